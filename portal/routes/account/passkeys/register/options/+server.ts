import { json } from '@sveltejs/kit';
import { startPasskeyRegistration } from '$shared/auth/register-passkey.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { freshCredentialFrom } from '$lib/server/fresh-credential.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/** Registration options, only after a fresh re-authentication sent with this request: { password } or { passkey }. */
export const POST: RequestHandler = async (event) => {
  try {
    const actor = requireActor(event.locals);
    const body = await event.request.json().catch(() => ({}));
    const credential = freshCredentialFrom(body && typeof body === 'object' ? body : {});
    return json(await startPasskeyRegistration(event.locals.ctx, actor, relyingParty(event), { sessionId: event.locals.session!.id, credential }));
  } catch (e) {
    return jsonFailure(e, event.locals);
  }
};
