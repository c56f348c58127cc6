import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { problem, refusal } from '../errors.ts';
import { startPasskeySignature } from '../signatures/start-passkey-signature.ts';
import { certificateForDecision, decisionMeaning, type CertificateDecision } from './certificate-decision.ts';

/**
 * The first half of signing a certificate decision with a passkey: after the same checks as
 * the decision itself (QA, a submitted version, the hash the reviewer saw), a WebAuthn
 * challenge derived from that record hash and the decision's meaning.
 */
export async function startCertificateSignature(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { certificateId: string; recordHash: string; decision: string },
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  if (input.decision !== 'approved' && input.decision !== 'rejected') {
    throw refusal('invalid_input', 'the decision must be approved or rejected', { decision: problem('certificates.badDecision') });
  }
  const certificate = await certificateForDecision(ctx, actor, input.certificateId, input.recordHash);
  return startPasskeySignature(ctx, actor, rp, { recordHash: certificate.recordHash, meaning: decisionMeaning[input.decision as CertificateDecision] });
}
