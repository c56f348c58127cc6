import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import type { SignerCredential } from '../signatures/verify-signer.ts';
import type { Signature } from '../signatures/record-signature.ts';
import type { ScarDetail } from './scar.ts';

/**
 * Manufacturer QA withdraws an open (or in verification) SCAR with a reason, signed. Nothing is
 * deleted. Audited; scar.cancelled; the supplier's mail.
 */
export async function cancelScar(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { scarId: string; reason: string; credential: SignerCredential; portalUrl?: string },
): Promise<{ scar: ScarDetail; signature: Signature }> {
  void ctx;
  void actor;
  void rp;
  void input;
  throw new Error('cancelScar: not yet implemented');
}
