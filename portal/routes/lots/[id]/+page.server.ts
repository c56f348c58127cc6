import { getLot } from '$shared/lots/get-lot.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    const detail = await getLot(locals.ctx, actor, params.id);
    return { ...detail, justSubmitted: url.searchParams.has('submitted') };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
