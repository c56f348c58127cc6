import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

export const load = (({ locals }) => {
  requireActor(locals);
  return {
    authMethod: locals.session!.authMethod,
    inactivityMinutes: Math.round(locals.app.policy.inactivityMs / 60_000),
  };
}) satisfies PageServerLoad;
