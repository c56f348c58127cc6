import { fail, redirect } from '@sveltejs/kit';
import { listScorecards } from '$shared/scorecards/list-scorecards.ts';
import { setWeights } from '$shared/scorecards/set-weights.ts';
import { periodChoices } from '$shared/scorecards/period.ts';
import { isAppError } from '$shared/errors.ts';
import { translate } from '$shared/i18n/index.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { field } from '$lib/server/form-fields.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { signerCredential } from '$lib/server/signer-credential.ts';
import { readWeights } from './weights-form.ts';
import type { Actions, PageServerLoad } from './$types';

/** QA's ranking of every supplier for a period; a supplier's user is sent to its own card. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const period = url.searchParams.get('period')?.trim() || undefined;
  if (actor.organisationKind === 'supplier') redirect(303, `/scorecards/${encodeURIComponent(actor.organisationId)}${period ? `?period=${encodeURIComponent(period)}` : ''}`);
  try {
    return { ranking: await listScorecards(locals.ctx, actor, { period }), choices: periodChoices(locals.ctx.clock.now()), saved: url.searchParams.has('saved') };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  weights: async (event) => {
    const form = await event.request.formData();
    const { values, change } = readWeights(form);
    try {
      await setWeights(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        ...change,
        newWeightsId: field(form, 'newWeightsId') || undefined,
        credential: signerCredential(form),
      });
    } catch (e) {
      // Refused outright (not QA): an error page, not the ranking (whose load sends a supplier to its card).
      if (isAppError(e) && e.code === 'forbidden') loadFailure(e, event.locals);
      const { status, data } = problemFailure(e, event.locals, 'weights', values);
      const message = isAppError(e) && e.code === 'invalid_credentials' ? translate(event.locals.locale, 'certificates.sign.wrongPassword') : data.message;
      return fail(status, { ...data, message });
    }
    redirect(303, `/scorecards?${new URLSearchParams({ ...(event.url.searchParams.get('period') ? { period: event.url.searchParams.get('period')! } : {}), saved: '1' })}#weights`);
  },
} satisfies Actions;
