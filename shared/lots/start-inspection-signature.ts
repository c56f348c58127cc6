import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { startPasskeySignature } from '../signatures/start-passkey-signature.ts';
import { prepareInspection, type InspectionInput } from './inspect-lot.ts';

/**
 * The first half of signing a lot inspection with a passkey: after the same checks as the
 * decision itself (QA, an undecided intact lot, the results and files as entered), a WebAuthn
 * challenge derived from the hash of exactly that decision and its meaning. Changing anything
 * before the signature is finished makes `inspectLot` refuse the assertion.
 */
export async function startInspectionSignature(
  ctx: FilesContext,
  actor: Actor,
  rp: RelyingParty,
  input: InspectionInput,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const { hash, meaning } = await prepareInspection(ctx, actor, input);
  return startPasskeySignature(ctx, actor, rp, { recordHash: hash, meaning });
}
