import type { Tx } from '../db/index.ts';

/** One consignee's (GTIN, lot) as the key of the maps below. */
export const stockKey = (organisationId: string, gtin: string, lot: string | null) => `${organisationId}\u0000${gtin}\u0000${lot ?? ''}`;

export interface ReplyStock {
  /** Stock at receipt: what the consignee's FIRST reply reported as received and on hand, per lot. */
  first: Map<string, { received: number; onHand: number }>;
  /** Units corrected per lot, from each consignee's latest reply (0 on a reply signed before 0033 asked it). */
  corrected: Map<string, number>;
  /** QA's estimated completion date (21 CFR 7.53(b)(6)), YYYY-MM-DD, or null when not set. */
  estimatedCompletionOn: string | null;
}

/** What the status report adds to the latest replies: the first reply's stock, the units corrected, QA's estimate. */
export async function replyStock(db: Pick<Tx, 'all' | 'get'>, recallId: string): Promise<ReplyStock> {
  const first = await db.all<{ org: string; gtin: string; lot: string | null; received: number; on_hand: number }>(
    `SELECT a.distributor_organisation_id AS org, l.gtin, l.lot, l.received, l.on_hand
       FROM recall_acknowledgements a
       JOIN recall_acknowledgement_lots l ON l.acknowledgement_id = a.id
      WHERE a.recall_id = ?
        AND a.version = (SELECT MIN(f.version) FROM recall_acknowledgements f WHERE f.notice_id = a.notice_id)`,
    [recallId],
  );
  const corrected = await db.all<{ org: string; gtin: string; lot: string | null; corrected: number }>(
    `SELECT n.distributor_organisation_id AS org, l.gtin, l.lot, ifnull(l.corrected, 0) AS corrected
       FROM recall_notices n
       JOIN recall_acknowledgements a ON a.notice_id = n.id AND a.version = n.latest_version
       JOIN recall_acknowledgement_lots l ON l.acknowledgement_id = a.id
      WHERE n.recall_id = ?`,
    [recallId],
  );
  const estimate = await db.get<{ on: string | null }>('SELECT estimated_completion_on AS "on" FROM recalls WHERE id = ?', [recallId]);
  return {
    first: new Map(first.map((r) => [stockKey(r.org, r.gtin, r.lot), { received: r.received, onHand: r.on_hand }])),
    corrected: new Map(corrected.map((r) => [stockKey(r.org, r.gtin, r.lot), r.corrected])),
    estimatedCompletionOn: estimate?.on ?? null,
  };
}
