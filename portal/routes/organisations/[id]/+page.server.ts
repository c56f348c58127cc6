import { getOrganisation } from '$shared/organisations/get-organisation.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals, params }) => {
  try {
    return { organisation: await getOrganisation(locals.ctx, requireActor(locals), params.id) };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
