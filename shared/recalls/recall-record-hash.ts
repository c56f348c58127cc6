import { recordHash } from '../signatures/record-hash.ts';
import type { SerialAnswer } from './serial-answer.ts';

/**
 * The record hash of a recall as issued (21 CFR 11.70), over its stored payload. A recall QA
 * creates in the portal is signed before it is recorded: the hash covers what QA signed, that is
 * the payload without the instant of recording and the manufacturer's name added with it. A
 * recall from the ERP is hashed as it came, whole. Recomputed from recalls.payload by
 * lotbridge audit verify and whenever a recall is shown.
 */
export function recallRecordHash(source: 'erp' | 'portal', payload: Record<string, unknown>): string {
  if (source === 'portal') {
    const { issuedAt: _issuedAt, manufacturer: _manufacturer, ...signed } = payload;
    return recordHash(signed);
  }
  return recordHash(payload);
}

/**
 * What QA's signature over an effectiveness check's outcome binds to (recall_effectiveness_outcomes.record_hash),
 * recomputed by lotbridge audit verify and whenever the recall is shown.
 */
export function effectivenessOutcomeHash(c: { recallId: string; recallNumber: string; distributorOrganisationId: string; outcome: string; method: string; note: string | null }): string {
  return recordHash({ action: 'effectiveness_check', ...c });
}

export interface AcknowledgementContent {
  noticeId: string;
  recallNumber: string;
  distributor: string;
  holdsStock: boolean;
  comment: string | null;
  /** The MDCG 2023-3 answers (migration 0033); absent or null on replies signed before them. */
  form?: ReplyFormContent | null;
  /** The field safety notice revision in force when signed (notice-revisions.ts); hashed from 2 on, so replies to the first notice hash as before. */
  revision?: number | null;
  lots: {
    gtin: string;
    lot: string | null;
    received: number;
    onHand: number;
    quarantined: number;
    returned: number;
    destroyed: number;
    distributed: number;
    /** Units corrected on site; null on replies signed before 0033. */
    corrected?: number | null;
    /** Serial-tracked units answered per serial; null when answered by count only. */
    serials?: SerialAnswer | null;
    subRecipients: { name: string; contact?: string | null; quantity: number; notifiedOn: string }[];
  }[];
}

/** The reply-level answers of the MDCG 2023-3 customer reply form. */
export interface ReplyFormContent {
  actionsCompleted: boolean;
  customersInformed: 'yes' | 'no' | 'not_applicable';
  /** "I have a question, contact me", and the question when one was written. */
  contactRequested: boolean;
  question: string | null;
  signerFunction: string;
  signerPhone: string;
}


/** A reply's lot as stored (recall_acknowledgement_lots) and its sub-recipients (recall_subrecipients). */
export interface StoredAcknowledgementLot {
  gtin: string;
  lot: string | null;
  received: number;
  on_hand: number;
  quarantined: number;
  returned: number;
  destroyed: number;
  distributed: number;
  /** NULL before migration 0033. */
  corrected?: number | null;
  serials?: string | null;
}
export interface StoredSubRecipient {
  gtin: string;
  lot: string | null;
  name: string;
  contact: string | null;
  quantity: number;
  notified_on: string;
}

/** A stored lot as the reply's content (and its hash) has it, with the sub-recipients of that lot. */
type Lot = AcknowledgementContent['lots'][number];
export type StoredLotContent = Omit<Lot, 'subRecipients' | 'corrected' | 'serials'> & { corrected: number | null; serials: SerialAnswer | null; subRecipients: { name: string; contact: string | null; quantity: number; notifiedOn: string }[] };

export function acknowledgementLotFromRows(l: StoredAcknowledgementLot, subs: StoredSubRecipient[]): StoredLotContent {
  return {
    gtin: l.gtin,
    lot: l.lot,
    received: l.received,
    onHand: l.on_hand,
    quarantined: l.quarantined,
    returned: l.returned,
    destroyed: l.destroyed,
    distributed: l.distributed,
    corrected: l.corrected ?? null,
    serials: l.serials ? (JSON.parse(l.serials) as SerialAnswer) : null,
    subRecipients: subs.filter((s) => s.gtin === l.gtin && s.lot === l.lot).map((s) => ({ name: s.name, contact: s.contact, quantity: s.quantity, notifiedOn: s.notified_on })),
  };
}

/** A stored reply's MDCG 2023-3 answers (columns of migration 0033), or null when it was signed before them. */
export function replyFormFromRow(a: {
  actions_completed?: number | null;
  customers_informed?: string | null;
  contact_requested?: number | null;
  question?: string | null;
  signer_function?: string | null;
  signer_phone?: string | null;
}): ReplyFormContent | null {
  if (a.actions_completed == null) return null;
  return {
    actionsCompleted: a.actions_completed === 1,
    customersInformed: a.customers_informed as ReplyFormContent['customersInformed'],
    contactRequested: a.contact_requested === 1,
    question: a.question ?? null,
    signerFunction: a.signer_function ?? '',
    signerPhone: a.signer_phone ?? '',
  };
}

/** The columns replyFormFromRow reads, for a SELECT on recall_acknowledgements aliased `a`. */
export const replyFormColumns = 'a.actions_completed, a.customers_informed, a.contact_requested, a.question, a.signer_function, a.signer_phone';

/**
 * The record hash a distributor's signed reply binds to: the notice, the stock per lot in the
 * order given, and the comment. The MDCG 2023-3 answers (form, corrected, serials) are hashed
 * only when present, so a reply signed before they were asked still hashes as it was signed.
 */
export function acknowledgementRecordHash(a: AcknowledgementContent): string {
  return recordHash({
    noticeId: a.noticeId,
    recallNumber: a.recallNumber,
    distributor: a.distributor,
    holdsStock: a.holdsStock,
    lots: a.lots.map((l) => ({
      gtin: l.gtin,
      lot: l.lot,
      received: l.received,
      onHand: l.onHand,
      quarantined: l.quarantined,
      returned: l.returned,
      destroyed: l.destroyed,
      distributed: l.distributed,
      ...(l.corrected != null ? { corrected: l.corrected } : {}),
      ...(l.serials ? { serials: l.serials } : {}),
      subRecipients: l.subRecipients.map((s) => ({ name: s.name, contact: s.contact ?? undefined, quantity: s.quantity, notifiedOn: s.notifiedOn })),
    })),
    comment: a.comment,
    ...(a.form ? { form: a.form } : {}),
    ...(a.revision && a.revision > 1 ? { revision: a.revision } : {}),
  });
}
