import { json } from '@sveltejs/kit';
import { startIdentityConfirmation } from '$shared/auth/confirm-identity.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/** A challenge to confirm it is you with one of your passkeys, bound to this session. */
export const POST: RequestHandler = async (event) => {
  try {
    const actor = requireActor(event.locals);
    return json(await startIdentityConfirmation(event.locals.ctx, actor, relyingParty(event), { sessionId: event.locals.session!.id }));
  } catch (e) {
    return jsonFailure(e, event.locals);
  }
};
