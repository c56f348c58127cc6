import { redirect } from '@sveltejs/kit';
import { isAppError, type Problems } from '$shared/errors.ts';
import { searchRecords, searchQueryLength, type SearchResults } from '$shared/search/search-records.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

/**
 * The header search's results (a GET form, so a search is a link to share): grouped by kind,
 * exact matches first. One record whose number is exactly the query opens at once.
 */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = url.searchParams.get('q');
  const base = { q: q ?? '', max: searchQueryLength.max, results: null as SearchResults | null, problems: {} as Problems };
  if (q === null) return base;
  let results: SearchResults;
  try {
    results = await searchRecords(locals.ctx, actor, { q });
  } catch (e) {
    if (isAppError(e) && e.problems) return { ...base, problems: e.problems };
    loadFailure(e, locals);
  }
  if (results.only?.href) redirect(303, results.only.href);
  return { ...base, results };
}) satisfies PageServerLoad;
