import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import type { UploadLimits } from '../files/store-upload.ts';
import { startPasskeySignature } from '../signatures/start-passkey-signature.ts';
import { prepareValidationApproval, type ValidationApprovalInput } from './approve-validation-report.ts';

/**
 * The first half of approving a validation package with a passkey: after the same checks as
 * `approveValidationReport` (the package, not approved before), a WebAuthn challenge derived from
 * the hash of exactly that approval (both files' SHA-256, the verdict, the deviation stated).
 */
export async function startValidationSignature(
  ctx: FilesContext,
  actor: Actor,
  rp: RelyingParty,
  limits: UploadLimits,
  input: Omit<ValidationApprovalInput, 'credential'>,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const { hash } = await prepareValidationApproval(ctx, actor, limits, input);
  return startPasskeySignature(ctx, actor, rp, { recordHash: hash, meaning: 'approval' });
}
