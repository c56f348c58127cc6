import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import type { SignerCredential } from '../signatures/verify-signer.ts';
import type { Signature } from '../signatures/record-signature.ts';
import type { Certificate } from './certificate.ts';
import { decideCertificate } from './certificate-decision.ts';

/**
 * Manufacturer QA rejects a submitted certificate version, with a reason (required) and an
 * electronic signature of meaning "rejection" bound to the record hash the reviewer saw. State,
 * signature, audit entry and the certificate.rejected event commit together. The supplier
 * answers with a new version.
 */
export function rejectCertificate(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { certificateId: string; recordHash: string; reason: string; credential: SignerCredential; portalUrl?: string },
): Promise<{ certificate: Certificate; signature: Signature }> {
  return decideCertificate(ctx, actor, rp, { ...input, decision: 'rejected' });
}
