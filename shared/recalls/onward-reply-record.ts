import { recordHash } from '../signatures/record-hash.ts';

/** A customer's reply to an onward notice as it is declared and hashed (submit-onward-reply.ts; recomputed by lotbridge audit verify). */
export interface OnwardReplyContent {
  onwardNoticeId: string;
  recallNumber: string;
  /** The customer's name as the notice was passed on to it. */
  customer: string;
  version: number;
  understood: true;
  passedOn: boolean;
  passedOnCount: number;
  declarant: { name: string; function: string; phone: string; email: string };
  /** In the order the notice lists the lots supplied (stored in that order). */
  lots: { gtin: string; lot: string | null; onHand: number; quarantined: number; returned: number; destroyed: number }[];
  submittedAt: string;
}

/** SHA-256 over the canonical JSON of the declared reply: the record hash of a declaration by name (not an e-signature). */
export function onwardReplyRecordHash(content: OnwardReplyContent): string {
  return recordHash(content as unknown as Record<string, unknown>);
}
