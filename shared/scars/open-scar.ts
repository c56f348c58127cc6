import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import type { SignerCredential } from '../signatures/verify-signer.ts';
import type { Signature } from '../signatures/record-signature.ts';
import type { ScarDetail, ScarLinkKind, ScarStep } from './scar.ts';

export interface OpenScarInput {
  supplierId: string;
  title: string;
  problem: string;
  severity: string;
  /** What the SCAR is about: lots (a rejected lot), certificates, recalls, each of the supplier's own. */
  links: { kind: ScarLinkKind | string; refId: string }[];
  /** Every step's due date (YYYY-MM-DD), D1..D8, none before today, none before the previous step's. */
  dueDates: Partial<Record<ScarStep, string>>;
  /** From when effectiveness may be verified (YYYY-MM-DD), on or after D8's due date. */
  verifyAfter: string;
  credential: SignerCredential;
  /** The portal's origin, for the link in the supplier's mail. */
  portalUrl?: string;
}

/**
 * Manufacturer QA opens a SCAR against a supplier, tied to lots, certificates or recalls of that
 * supplier, with the problem, the severity, a due date per 8D step and the date from which
 * effectiveness may be verified; signed (meaning authorship) over all of it. The SCAR, its
 * links and eight steps, the signature, the audit entry, scar.opened and the supplier's mail
 * commit together. Problems as data: `supplierId`, `title`, `problem`, `severity`,
 * `links/<i>`, `dueDates/<step>`, `verifyAfter`, `password`.
 */
export async function openScar(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: OpenScarInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  void ctx;
  void actor;
  void rp;
  void input;
  throw new Error('openScar: not yet implemented');
}
