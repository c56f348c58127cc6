import { addPartner } from '$shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '$shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '$shared/edi/identity/get-as2-identity.ts';
import { listPartnerOrganisations } from '$shared/edi/partners/list-partner-organisations.ts';
import { listPartners } from '$shared/edi/partners/list-partners.ts';
import { rotateAs2Identity } from '$shared/edi/identity/rotate-as2-identity.ts';
import { appContext } from '$lib/server/app-context.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { partnerFailure } from './failure.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { certificateView, identitySummary } from './format.ts';
import { field } from '$lib/server/form-fields.ts';
import type { Actions, PageServerLoad } from './$types';

// Authorisation is the use cases' (manufacturer_admin only): a refusal arrives as the AppError
// 'forbidden' and leaves as HTTP 403, from the load and from every action alike.

const as2Id = () => appContext().config.as2.id;

export const load = (async ({ locals }) => {
  try {
    const actor = requireActor(locals);
    const [partners, organisations, identity] = await Promise.all([
      listPartners(locals.ctx, actor),
      listPartnerOrganisations(locals.ctx, actor),
      getAs2Identity(locals.ctx, actor, { as2Id: as2Id() }),
    ]);
    return {
      // The list shows validity and warnings; the PEMs stay on the server.
      partners: partners.map((p) => ({ ...p, certificates: p.certificates.map(certificateView) })),
      organisations,
      identity: identitySummary(identity),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

/** The files of a multiple file input (an empty input sends one nameless empty file). */
async function uploads(form: FormData, name: string): Promise<{ fileName: string; data: Uint8Array }[]> {
  const files = form.getAll(name).filter((f): f is File => f instanceof File && (f.size > 0 || f.name !== ''));
  return Promise.all(files.map(async (f) => ({ fileName: f.name || 'certificate', data: new Uint8Array(await f.arrayBuffer()) })));
}

export const actions = {
  add: async ({ request, locals }) => {
    const form = await request.formData();
    const values = {
      organisationId: field(form, 'organisationId'),
      name: field(form, 'name'),
      kind: field(form, 'kind'),
      as2Id: field(form, 'as2Id'),
      as2Url: field(form, 'as2Url'),
      as2UrlInternal: form.get('as2UrlInternal') === 'on' ? 'on' : '',
      ediId: field(form, 'ediId'),
    };
    try {
      const added = await addPartner(locals.ctx, requireActor(locals), {
        organisationId: values.organisationId || undefined,
        name: values.organisationId ? undefined : values.name,
        kind: values.organisationId ? undefined : values.kind,
        as2Id: values.as2Id,
        as2Url: values.as2Url,
        as2UrlInternal: values.as2UrlInternal === 'on',
        ediId: values.ediId,
        certificates: await uploads(form, 'certificates'),
      });
      return { action: 'add' as const, added: { id: added.partner.id, as2Id: added.partner.as2Id }, warnings: added.warnings };
    } catch (e) {
      return partnerFailure(e, locals, 'add', values);
    }
  },

  generateIdentity: async ({ locals }) => {
    try {
      await ensureAs2Identity(locals.ctx, requireActor(locals), { as2Id: as2Id() });
      return { action: 'generateIdentity' as const };
    } catch (e) {
      return problemFailure(e, locals, 'generateIdentity');
    }
  },

  rotateIdentity: async ({ locals }) => {
    try {
      await rotateAs2Identity(locals.ctx, requireActor(locals), { as2Id: as2Id() });
      return { action: 'rotateIdentity' as const };
    } catch (e) {
      return problemFailure(e, locals, 'rotateIdentity');
    }
  },
} satisfies Actions;
