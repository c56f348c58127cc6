import { json } from '@sveltejs/kit';
import { startPasskeyRegistration } from '$shared/auth/register-passkey.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
  try {
    return json(await startPasskeyRegistration(event.locals.ctx, requireActor(event.locals), relyingParty(event)));
  } catch (e) {
    return jsonFailure(e, event.locals);
  }
};
