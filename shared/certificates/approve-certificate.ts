import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import type { SignerCredential } from '../signatures/verify-signer.ts';
import type { Signature } from '../signatures/record-signature.ts';
import type { Certificate } from './certificate.ts';
import { decideCertificate } from './certificate-decision.ts';

/**
 * Manufacturer QA approves a submitted certificate version with an electronic signature of
 * meaning "approval" (password or passkey re-authentication), bound to the record hash the
 * reviewer saw. The series' previously approved version becomes superseded. State, signature,
 * audit entries and the certificate.approved (and .superseded) events commit together.
 */
export function approveCertificate(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { certificateId: string; recordHash: string; credential: SignerCredential; portalUrl?: string },
): Promise<{ certificate: Certificate; signature: Signature }> {
  return decideCertificate(ctx, actor, rp, { ...input, decision: 'approved' });
}
