import { json } from '@sveltejs/kit';
import { startCertificateSignature } from '$shared/certificates/start-certificate-signature.ts';
import { AppError } from '$shared/errors.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/**
 * The first half of signing with a passkey: `{decision, recordHash}` in, the WebAuthn request
 * options (challenge bound to that record hash and the decision's meaning) and their id out.
 */
export const POST: RequestHandler = async (event) => {
  try {
    const body = await event.request.json().catch(() => null);
    if (!body || typeof body.decision !== 'string' || typeof body.recordHash !== 'string') {
      throw new AppError('invalid_input', 'expected { decision, recordHash } from the browser');
    }
    return json(
      await startCertificateSignature(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        certificateId: event.params.id,
        recordHash: body.recordHash,
        decision: body.decision,
      }),
    );
  } catch (e) {
    return jsonFailure(e, event.locals);
  }
};
