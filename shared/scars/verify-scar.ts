import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import type { SignerCredential } from '../signatures/verify-signer.ts';
import type { Signature } from '../signatures/record-signature.ts';
import type { ScarDetail } from './scar.ts';

export interface VerifyScarInput {
  scarId: string;
  result: 'effective' | 'not_effective' | string;
  note: string;
  /** not_effective: the new due date (YYYY-MM-DD) of the steps D4..D8 the supplier must answer again. */
  dueDate?: string;
  credential: SignerCredential;
  portalUrl?: string;
}

/**
 * Manufacturer QA verifies the corrective actions' effectiveness, on or after verify_after
 * (judged in QA's time zone), signed. Effective: the SCAR can be closed. Not effective: the
 * SCAR is open again, D4..D8 returned with the note and a new due date. Audited; scar.verified.
 */
export async function verifyScar(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: VerifyScarInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  void ctx;
  void actor;
  void rp;
  void input;
  throw new Error('verifyScar: not yet implemented');
}
