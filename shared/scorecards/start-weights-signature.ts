import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { newId } from '../ids.ts';
import { startPasskeySignature } from '../signatures/start-passkey-signature.ts';
import { prepareWeights, type WeightsChange } from './set-weights.ts';

/**
 * The first half of signing new scorecard weights with a passkey: after the same checks as
 * `setWeights`, a WebAuthn challenge derived from the hash of exactly those weights, the reason
 * and the new row's id, minted here: the browser sends it back as `newWeightsId` with the assertion.
 */
export async function startWeightsSignature(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: Omit<WeightsChange, 'credential' | 'newWeightsId'>,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON; newWeightsId: string }> {
  const newWeightsId = newId('scw');
  const { hash } = prepareWeights(actor, input, newWeightsId);
  return { ...(await startPasskeySignature(ctx, actor, rp, { recordHash: hash, meaning: 'approval' })), newWeightsId };
}
