import { redirect } from '@sveltejs/kit';
import { draftScar } from '$shared/scars/draft-scar.ts';
import { listLots } from '$shared/lots/list-lots.ts';
import { openScar } from '$shared/scars/open-scar.ts';
import { scarSteps } from '$shared/scars/scar.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { field, fields } from '$lib/server/form-fields.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { scarFailure } from '../form.ts';
import type { Actions, PageServerLoad } from './$types';

/** QA's new-SCAR form, prefilled from a lot (`?lot=`: a rejected lot's supplier, problem and link), else offering the latest rejected lots to link. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  try {
    const draft = await draftScar(locals.ctx, actor, { lotId: url.searchParams.get('lot') ?? undefined });
    // Not opened from a lot: the latest rejected lots, each of its supplier, to tie the SCAR to.
    const rejected = draft.links.length ? [] : (await listLots(locals.ctx, actor, { state: 'rejected', sort: 'submitted', order: 'desc', pageSize: 50 })).items;
    const choices = [
      ...draft.links,
      ...rejected.map((l) => ({ kind: 'lot' as const, refId: l.id, label: `${l.lot} (${l.gtin}) · ${l.supplier.name}` })),
    ];
    return { draft, choices };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  open: async (event) => {
    const form = await event.request.formData();
    const values = {
      supplierId: field(form, 'supplierId'),
      title: field(form, 'title'),
      problem: field(form, 'problem'),
      severity: field(form, 'severity'),
      links: fields(form, 'links'),
      dueDates: Object.fromEntries(scarSteps.map((s) => [s, field(form, `dueDates.${s}`)])),
      verifyAfter: field(form, 'verifyAfter'),
    };
    let id: string;
    try {
      const { scar } = await openScar(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        ...values,
        // Each checked link is `kind:refId`.
        links: values.links.map((l) => ({ kind: l.slice(0, l.indexOf(':')), refId: l.slice(l.indexOf(':') + 1) })),
        credential: { password: field(form, 'password') },
        portalUrl: trustedPortalOrigin(event) ?? undefined,
      });
      id = scar.id;
    } catch (e) {
      // A problem of one link is said at the links' group.
      return scarFailure(e, event.locals, 'open', values, (f) => (/^links[./]/.test(f) ? 'links' : f.replace(/\//g, '.')));
    }
    redirect(303, `/scars/${id}?opened=1`);
  },
} satisfies Actions;
