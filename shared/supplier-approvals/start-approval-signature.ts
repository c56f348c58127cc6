import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { newId } from '../ids.ts';
import { startPasskeySignature } from '../signatures/start-passkey-signature.ts';
import { prepareApproval, type ApprovalChange } from './set-supplier-approval.ts';

/**
 * The first half of signing an approved supplier list decision with a passkey: after the same
 * checks as the decision itself, a WebAuthn challenge derived from the hash of exactly that
 * decision (meaning approval). A new entry's id is minted here, as part of what is signed: the
 * browser sends it back as `newApprovalId` with the assertion.
 */
export async function startApprovalSignature(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: Omit<ApprovalChange, 'credential' | 'newApprovalId'>,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON; newApprovalId: string | null }> {
  const minted = newId('asl');
  const { before, hash } = await prepareApproval(ctx, actor, input, minted);
  return { ...(await startPasskeySignature(ctx, actor, rp, { recordHash: hash, meaning: 'approval' })), newApprovalId: before ? null : minted };
}
