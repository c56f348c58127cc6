import { json, type RequestEvent } from '@sveltejs/kit';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Actor } from '$shared/auth/actor.ts';
import type { RelyingParty } from '$shared/auth/webauthn-challenge.ts';
import { AppError, isAppError } from '$shared/errors.ts';
import { jsonFailure } from './errors.ts';
import { relyingParty } from './relying-party.ts';
import { requireActor } from './require-actor.ts';

/**
 * A `sign` endpoint, the first half of signing a decision with a passkey: the use case's start
 * (the decision's own checks, then a challenge bound to its hash) answered as JSON for
 * `$lib/passkey-signature.ts`: `{ challengeId, options, … }`, or the refusal's message and its
 * problems, renamed to the form's field names when `fieldName` is given.
 */
export async function startSignature(
  event: RequestEvent,
  start: (actor: Actor, rp: RelyingParty) => Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }>,
  fieldName?: (field: string) => string,
): Promise<Response> {
  try {
    return json(await start(requireActor(event.locals), relyingParty(event)));
  } catch (e) {
    const renamed =
      fieldName && isAppError(e) && e.problems ? new AppError(e.code, e.message, Object.fromEntries(Object.entries(e.problems).map(([k, v]) => [fieldName(k), v]))) : e;
    return jsonFailure(renamed, event.locals);
  }
}
