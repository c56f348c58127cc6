import { startInspectionSignature } from '$shared/lots/start-inspection-signature.ts';
import { startSignature } from '$lib/server/start-signature.ts';
import { readInspection } from '../inspection-form.ts';
import type { RequestHandler } from './$types';

/**
 * The first half of signing an inspection with a passkey: the inspection form as the browser
 * would submit it in, the WebAuthn request options (challenge bound to the hash of exactly that
 * decision and its meaning) and their id out; problems under the form's own field names (m<i>.<field>).
 */
export const POST: RequestHandler = async (event) => {
  const { input, fieldName } = await readInspection(await event.request.formData(), event.params.id, event.locals.app.config.uploads);
  return startSignature(event, (actor, rp) => startInspectionSignature(event.locals.ctx, actor, rp, input), fieldName);
};
