import { startScarSignature } from '$shared/scars/start-scar-signature.ts';
import { AppError } from '$shared/errors.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { startSignature } from '$lib/server/start-signature.ts';
import { readScarDecision, scarDecisionActions, type ScarDecisionAction } from '../decision-form.ts';
import type { RequestHandler } from './$types';

/**
 * The first half of signing a SCAR decision with a passkey (`?action=decide|verify|close|cancel`):
 * the form as the browser would submit it in, the WebAuthn request options (challenge bound to
 * the hash of exactly that decision and its meaning) and their id out.
 */
export const POST: RequestHandler = async (event) => {
  const action = event.url.searchParams.get('action') as ScarDecisionAction;
  if (!scarDecisionActions.includes(action)) return jsonFailure(new AppError('invalid_input', 'no such SCAR decision'), event.locals);
  const { input } = readScarDecision(action, event.params.id, await event.request.formData());
  return startSignature(event, (actor, rp) => startScarSignature(event.locals.ctx, actor, rp, input));
};
