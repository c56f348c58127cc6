import { startValidationSignature } from '$shared/validation/start-validation-signature.ts';
import { startSignature } from '$lib/server/start-signature.ts';
import { readPackage } from '../package-form.ts';
import type { RequestHandler } from './$types';

/**
 * The first half of approving a validation package with a passkey: the upload form (the three
 * files and the deviation) in, the WebAuthn request options (challenge bound to the hash of both
 * files, the verdict and the deviation) and their id out.
 */
export const POST: RequestHandler = async (event) => {
  const input = await readPackage(await event.request.formData());
  return startSignature(event, (actor, rp) => startValidationSignature(event.locals.ctx, actor, rp, event.locals.app.config.uploads, input));
};
