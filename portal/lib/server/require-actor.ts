import { error } from '@sveltejs/kit';
import type { Actor } from '$shared/auth/actor.ts';

/** The guard hook already redirected anonymous requests; this narrows the type for the route. */
export function requireActor(locals: App.Locals): Actor {
  if (!locals.actor) error(401, { message: 'sign in first', requestId: locals.requestId });
  return locals.actor;
}
