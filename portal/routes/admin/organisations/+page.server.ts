import { listOrganisations } from '$shared/organisations/list-organisations.ts';
import { addOrganisation } from '$shared/organisations/add-organisation.ts';
import { setOrganisationLanguage } from '$shared/organisations/set-organisation-language.ts';
import { setConsigneeType } from '$shared/organisations/set-consignee-type.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

// Authorisation is the use cases' (manufacturer_admin only): anyone else gets 403.

export const load = (async ({ locals }) => {
  try {
    return { organisations: await listOrganisations(locals.ctx, requireActor(locals)) };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  add: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { name: String(form.get('name') ?? ''), kind: String(form.get('kind') ?? ''), erpId: String(form.get('erpId') ?? '') };
    try {
      const org = await addOrganisation(locals.ctx, requireActor(locals), values);
      return { added: { id: org.id, name: org.name } };
    } catch (e) {
      return problemFailure(e, locals, 'add', values);
    }
  },
  /** The language an organisation's recall notices and mails come in first. */
  language: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { organisationId: String(form.get('organisationId') ?? ''), language: String(form.get('language') ?? '') };
    try {
      await setOrganisationLanguage(locals.ctx, requireActor(locals), values);
      return { languageSet: values.organisationId };
    } catch (e) {
      return problemFailure(e, locals, 'language', values);
    }
  },
  /** What kind of consignee a distributor organisation is for recalls (distributor, healthcare facility, pharmacy). */
  consigneeType: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { organisationId: String(form.get('organisationId') ?? ''), consigneeType: String(form.get('consigneeType') ?? '') };
    try {
      await setConsigneeType(locals.ctx, requireActor(locals), values);
      return { consigneeTypeSet: values.organisationId };
    } catch (e) {
      return problemFailure(e, locals, 'consigneeType', values);
    }
  },
} satisfies Actions;
