import { getOrganisation } from '$shared/organisations/get-organisation.ts';
import { setRecallContacts } from '$shared/organisations/set-recall-contacts.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params }) => {
  try {
    return { organisation: await getOrganisation(locals.ctx, requireActor(locals), params.id) };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  recallContacts: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { recallContactEmail: String(form.get('recallContactEmail') ?? ''), escalationContactEmail: String(form.get('escalationContactEmail') ?? '') };
    try {
      await setRecallContacts(locals.ctx, requireActor(locals), { organisationId: params.id, ...values });
    } catch (e) {
      return problemFailure(e, locals, 'recallContacts', values);
    }
    return { contactsSaved: true };
  },
} satisfies Actions;
