import { json } from '@sveltejs/kit';
import { startPasskeySignIn } from '$shared/auth/sign-in-with-passkey.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
  try {
    return json(await startPasskeySignIn(event.locals.ctx, relyingParty(event)));
  } catch (e) {
    return jsonFailure(e, event.locals);
  }
};
