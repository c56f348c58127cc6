import { listOrganisations } from '$shared/organisations/list-organisations.ts';
import { addOrganisation } from '$shared/organisations/add-organisation.ts';
import { setOrganisationLanguage } from '$shared/organisations/set-organisation-language.ts';
import { setOrganisationTimeZone } from '$shared/organisations/set-organisation-time-zone.ts';
import { getNoticeContact } from '$shared/organisations/get-notice-contact.ts';
import { setNoticeContact } from '$shared/organisations/set-notice-contact.ts';
import { setConsigneeType } from '$shared/organisations/set-consignee-type.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

// Authorisation is the use cases' (manufacturer_admin only): anyone else gets 403.

export const load = (async ({ locals }) => {
  try {
    // The IANA names to pick a time zone from, as the server knows them (it checks typed names the same way).
    const actor = requireActor(locals);
    return { organisations: await listOrganisations(locals.ctx, actor), zoneNames: Intl.supportedValuesOf('timeZone'), noticeContact: await getNoticeContact(locals.ctx, actor) };
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
  /** The organisation's time zone: its people's "today" and the zone deadlines are shown in. */
  timeZone: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { organisationId: String(form.get('organisationId') ?? ''), timeZone: String(form.get('timeZone') ?? '') };
    try {
      await setOrganisationTimeZone(locals.ctx, requireActor(locals), values);
      return { timeZoneSet: values.organisationId };
    } catch (e) {
      return problemFailure(e, locals, 'timeZone', values);
    }
  },

  /** The manufacturer's contact printed on recall notices that name none, and its SRN. */
  noticeContact: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { contactName: String(form.get('contactName') ?? ''), contactEmail: String(form.get('contactEmail') ?? ''), contactPhone: String(form.get('contactPhone') ?? ''), srn: String(form.get('srn') ?? '') };
    try {
      await setNoticeContact(locals.ctx, requireActor(locals), { name: values.contactName, email: values.contactEmail, phone: values.contactPhone, srn: values.srn });
      return { noticeContactSaved: true };
    } catch (e) {
      return problemFailure(e, locals, 'noticeContact', values);
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
