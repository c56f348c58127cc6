import { redirect } from '@sveltejs/kit';
import { actorTimeZone, requireRole } from '$shared/auth/actor.ts';
import { todayIn } from '$shared/time-zone.ts';
import { createRecall } from '$shared/recalls/create-recall.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { readRecallForm, recallFailure } from '../recall-form.ts';
import type { Actions, PageServerLoad } from './$types';

/** Only manufacturer QA issues recalls; everyone else is refused before seeing the form. */
export const load = (async ({ locals }) => {
  const actor = requireActor(locals);
  try {
    requireRole(actor, 'manufacturer_qa');
  } catch (e) {
    loadFailure(e, locals);
  }
  return { signer: actor.displayName, today: todayIn(actorTimeZone(actor), locals.ctx.clock.now()), timeZone: actorTimeZone(actor) };
}) satisfies PageServerLoad;

export const actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const { recall, values, rename } = readRecallForm(form);
    const password = form.get('password');
    let recallId: string;
    try {
      const created = await createRecall(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        ...recall,
        credential: { password: typeof password === 'string' ? password : '' },
      });
      recallId = created.recallId;
    } catch (e) {
      return recallFailure(e, event.locals, 'create', values, rename);
    }
    redirect(303, `/recalls/${recallId}?created=1`);
  },
} satisfies Actions;
