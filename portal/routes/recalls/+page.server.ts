import { listRecalls } from '$shared/recalls/list-recalls.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

/** The filters are the page's query (a GET form), so a filtered list is a link to share. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { state: q('state'), source: q('source'), attention: q('attention'), reply: q('reply') };
  const page = Number(q('page'));
  try {
    const list = await listRecalls(locals.ctx, actor, {
      state: filters.state || undefined,
      source: filters.source || undefined,
      attention: filters.attention || undefined,
      reply: filters.reply || undefined,
      page: Number.isInteger(page) && page > 0 ? page : 1,
    });
    return { filters, list };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
