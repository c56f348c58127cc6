import { getScorecard } from '$shared/scorecards/get-scorecard.ts';
import { periodChoices } from '$shared/scorecards/period.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

/** One supplier's card: the supplier's own (another's is a 404 for it), any for manufacturer staff. */
export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    const card = await getScorecard(locals.ctx, actor, params.supplierId, { period: url.searchParams.get('period')?.trim() || undefined });
    return { card, choices: periodChoices(locals.ctx.clock.now()) };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
