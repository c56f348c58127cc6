import { startWeightsSignature } from '$shared/scorecards/start-weights-signature.ts';
import { startSignature } from '$lib/server/start-signature.ts';
import { readWeights } from '../weights-form.ts';
import type { RequestHandler } from './$types';

/**
 * The first half of signing new scorecard weights with a passkey: the weights form in, the
 * WebAuthn request options (challenge bound to the hash of exactly those weights, the reason and
 * the new row's id), their id and that id (`newWeightsId`) out.
 */
export const POST: RequestHandler = async (event) => {
  const { change } = readWeights(await event.request.formData());
  return startSignature(event, (actor, rp) => startWeightsSignature(event.locals.ctx, actor, rp, change));
};
