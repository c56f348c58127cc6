import { json } from '@sveltejs/kit';
import { finishPasskeySignIn } from '$shared/auth/sign-in-with-passkey.ts';
import { AppError } from '$shared/errors.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { clientSource } from '$lib/server/client-source.ts';
import { setSessionCookie } from '$lib/server/session-cookie.ts';
import { rememberUserLocale } from '$shared/users/submission-mail-setting.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
  try {
    const body = await event.request.json().catch(() => null);
    if (!body || typeof body.challengeId !== 'string' || typeof body.response?.id !== 'string') {
      throw new AppError('invalid_input', 'expected { challengeId, response } from the browser');
    }
    const signedIn = await finishPasskeySignIn(event.locals.ctx, relyingParty(event), { challengeId: body.challengeId, response: body.response, source: clientSource(event) });
    setSessionCookie(event.cookies, event.url, signedIn.token, signedIn.session, event.locals.app.policy);
    await rememberUserLocale(event.locals.ctx, signedIn.session.userId, event.locals.locale);
    return json({ ok: true });
  } catch (e) {
    return jsonFailure(e, event.locals);
  }
};
