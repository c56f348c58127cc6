import { json } from '@sveltejs/kit';
import { finishPasskeyRegistration } from '$shared/auth/register-passkey.ts';
import { AppError } from '$shared/errors.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
  try {
    const actor = requireActor(event.locals);
    const body = await event.request.json().catch(() => null);
    if (!body || typeof body.challengeId !== 'string' || typeof body.response?.id !== 'string') {
      throw new AppError('invalid_input', 'expected { challengeId, name, response } from the browser');
    }
    const added = await finishPasskeyRegistration(event.locals.ctx, actor, relyingParty(event), {
      sessionId: event.locals.session!.id,
      challengeId: body.challengeId,
      name: typeof body.name === 'string' ? body.name : '',
      response: body.response,
      locale: event.locals.locale,
    });
    return json(added);
  } catch (e) {
    return jsonFailure(e, event.locals);
  }
};
