import { json } from '@sveltejs/kit';
import { startInspectionSignature } from '$shared/lots/start-inspection-signature.ts';
import { AppError, isAppError } from '$shared/errors.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { readInspection } from '../inspection-form.ts';
import type { RequestHandler } from './$types';

/**
 * The first half of signing an inspection with a passkey: the inspection form as the browser
 * would submit it in, the WebAuthn request options (challenge bound to the hash of exactly that
 * decision and its meaning) and their id out.
 */
export const POST: RequestHandler = async (event) => {
  const { input, fieldName } = await readInspection(await event.request.formData(), event.params.id, event.locals.app.config.uploads);
  try {
    return json(await startInspectionSignature(event.locals.ctx, requireActor(event.locals), relyingParty(event), input));
  } catch (e) {
    // The problems under the form's own field names (m<i>.<field>), for the page to show beside them.
    const mapped = isAppError(e) && e.problems ? new AppError(e.code, e.message, Object.fromEntries(Object.entries(e.problems).map(([k, v]) => [fieldName(k), v]))) : e;
    return jsonFailure(mapped, event.locals);
  }
};
