import { listScorecards } from '$shared/scorecards/list-scorecards.ts';
import { scorecardsCsv } from '$shared/scorecards/scorecards-csv.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { attachment } from '$lib/server/content-disposition.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/** QA's ranking of the period as CSV, column names in the reader's language. */
export const GET: RequestHandler = async ({ locals, url }) => {
  const actor = requireActor(locals);
  let ranking;
  try {
    ranking = await listScorecards(locals.ctx, actor, { period: url.searchParams.get('period')?.trim() || undefined });
  } catch (e) {
    loadFailure(e, locals);
  }
  return new Response(scorecardsCsv(ranking, locals.locale), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': attachment(`scorecards-${ranking.period.key}.csv`),
      'cache-control': 'no-store',
    },
  });
};
