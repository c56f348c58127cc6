import type { Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import type { SerialAnswer } from './serial-answer.ts';
import { acknowledgementLotFromRows, acknowledgementRecordHash, replyFormColumns, replyFormFromRow, type ReplyFormContent, type StoredAcknowledgementLot, type StoredSubRecipient } from './recall-record-hash.ts';

export interface AcknowledgementView {
  id: string;
  noticeId: string;
  recallId: string;
  recallNumber: string;
  distributor: { id: string; name: string };
  version: number;
  /** The newest version of this notice's replies (a higher one supersedes this one). */
  latestVersion: number;
  holdsStock: boolean;
  comment: string | null;
  /** The MDCG 2023-3 answers (actions completed, customers informed, question, signer's function and phone); null on a reply signed before they were asked. */
  form: ReplyFormContent | null;
  recordHash: string;
  /**
   * Whether the stored reply still hashes to its record hash and its signature binds to that
   * hash (21 CFR 11.70). False: the record was altered since it was signed.
   */
  hashIntact: boolean;
  submittedAt: string;
  signature: { id: string; signerName: string; signerEmail: string; meaning: string; method: string; signedAt: string };
  lots: {
    gtin: string;
    lot: string | null;
    received: number;
    onHand: number;
    quarantined: number;
    returned: number;
    destroyed: number;
    distributed: number;
    /** null on a reply signed before it was asked. */
    corrected: number | null;
    serials: SerialAnswer | null;
    subRecipients: { name: string; contact: string | null; quantity: number; notifiedOn: string }[];
  }[];
}

/**
 * One signed reply version, for its distributor or the manufacturer's staff (anyone else gets
 * `not_found`). `viewer` null is the system (the mail sender rendering a receipt).
 */
export async function getAcknowledgement(db: Tx, viewer: Pick<Actor, 'organisationId' | 'organisationKind'> | null, id: string): Promise<AcknowledgementView> {
  const a = await db.get<{
    id: string; notice_id: string; recall_id: string; recall_number: string; org: string; name: string; version: number; latest_version: number;
    holds_stock: number; comment: string | null; revision: number; record_hash: string; submitted_at: string; sig_hash: string;
    sig_id: string; signer_name: string; signer_email: string; meaning: string; method: string; signed_at: string;
    actions_completed: number | null; customers_informed: string | null; contact_requested: number | null; question: string | null; signer_function: string | null; signer_phone: string | null;
  }>(
    `SELECT a.id, a.notice_id, a.recall_id, r.recall_number, a.distributor_organisation_id AS org, o.name, a.version, n.latest_version,
            a.holds_stock, a.comment, a.revision, a.record_hash, a.submitted_at,
            s.id AS sig_id, s.record_hash AS sig_hash, s.signer_name, s.signer_email, s.meaning, s.method, s.signed_at, ${replyFormColumns}
     FROM recall_acknowledgements AS a
     JOIN recalls AS r ON r.id = a.recall_id
     JOIN recall_notices AS n ON n.id = a.notice_id
     JOIN organisations AS o ON o.id = a.distributor_organisation_id
     JOIN signatures AS s ON s.id = a.signature_id
     WHERE a.id = ?`,
    [id],
  );
  if (!a || (viewer && viewer.organisationKind !== 'manufacturer' && viewer.organisationId !== a.org)) throw new AppError('not_found', 'no such reply');
  const lots = await db.all<StoredAcknowledgementLot>(
    'SELECT gtin, lot, received, on_hand, quarantined, returned, destroyed, distributed, corrected, serials FROM recall_acknowledgement_lots WHERE acknowledgement_id = ? ORDER BY rowid',
    [id],
  );
  const subs = await db.all<StoredSubRecipient>(
    'SELECT gtin, lot, name, contact, quantity, notified_on FROM recall_subrecipients WHERE acknowledgement_id = ? ORDER BY rowid',
    [id],
  );
  const asGiven = lots.map((l) => acknowledgementLotFromRows(l, subs));
  // Hashed in the order the distributor gave the lots (insertion order); shown by GTIN and lot.
  const form = replyFormFromRow(a);
  const hash = acknowledgementRecordHash({ noticeId: a.notice_id, recallNumber: a.recall_number, distributor: a.org, holdsStock: a.holds_stock === 1, comment: a.comment, form, revision: a.revision, lots: asGiven });
  return {
    id: a.id,
    noticeId: a.notice_id,
    recallId: a.recall_id,
    recallNumber: a.recall_number,
    distributor: { id: a.org, name: a.name },
    version: a.version,
    latestVersion: a.latest_version,
    holdsStock: a.holds_stock === 1,
    comment: a.comment,
    form,
    recordHash: a.record_hash,
    hashIntact: hash === a.record_hash && a.sig_hash === a.record_hash,
    submittedAt: a.submitted_at,
    signature: { id: a.sig_id, signerName: a.signer_name, signerEmail: a.signer_email, meaning: a.meaning, method: a.method, signedAt: a.signed_at },
    lots: [...asGiven].sort((x, y) => binary(x.gtin, y.gtin) || binary(x.lot ?? '', y.lot ?? '')),
  };
}

/** SQLite's BINARY order, as ORDER BY gtin, ifnull(lot, '') gave it. */
function binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
