import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import type { SignerCredential } from '../signatures/verify-signer.ts';
import type { Signature } from '../signatures/record-signature.ts';
import type { ScarDetail } from './scar.ts';

export interface DecideScarStepInput {
  scarId: string;
  step: string;
  decision: 'accepted' | 'returned' | string;
  /** Required when returning (what to change); optional when accepting. */
  comment?: string;
  credential: SignerCredential;
  portalUrl?: string;
}

/**
 * Manufacturer QA accepts or returns the supplier's submitted answer to a step, signed
 * (approval / rejection) over the SCAR, the step and the answer as submitted. The decision is
 * kept on the answer's round. When every step is accepted the SCAR moves to verification.
 * Audited; scar.step_accepted / scar.step_returned; the supplier's mail.
 */
export async function decideScarStep(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: DecideScarStepInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  void ctx;
  void actor;
  void rp;
  void input;
  throw new Error('decideScarStep: not yet implemented');
}
