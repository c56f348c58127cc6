import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import type { SignerCredential } from '../signatures/verify-signer.ts';
import type { Signature } from '../signatures/record-signature.ts';
import type { ScarDetail } from './scar.ts';

/**
 * Manufacturer QA closes a SCAR verified effective, signed (approval). Audited; scar.closed;
 * the supplier's mail.
 */
export async function closeScar(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { scarId: string; comment?: string; credential: SignerCredential; portalUrl?: string },
): Promise<{ scar: ScarDetail; signature: Signature }> {
  void ctx;
  void actor;
  void rp;
  void input;
  throw new Error('closeScar: not yet implemented');
}
