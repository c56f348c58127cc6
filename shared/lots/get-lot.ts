import { recordHistory, type HistoryEntry } from '../audit/record-history.ts';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError, type Problem } from '../errors.ts';
import { lotRecordHash, lotScope, lotSelect, toLot, type InspectionOutcome, type Lot, type LotRow } from './lot.ts';
import type { InspectionDecision, Measurement } from './inspect-lot.ts';
import { inspectLots } from './lot-permissions.ts';
import type { SignatureMeaning } from '../signatures/record-hash.ts';

/** QA's decision on the lot with the manifestation of its signature (21 CFR 11.50): printed name, time, meaning. */
export interface LotInspection extends InspectionDecision {
  decidedAt: string;
  signature: { signerName: string; meaning: SignatureMeaning; signedAt: string; method: 'password' | 'passkey' };
  /** The files QA attached, in the order attached (downloaded from /lots/<lot>/files/<id>). */
  attachments: { id: string; name: string; contentType: string; sizeBytes: number; sha256: string }[];
}

export interface LotDetail {
  lot: Lot;
  /** Whether the stored content still hashes to its record hash. */
  hashIntact: boolean;
  /** The order line it was delivered against: ordered, and delivered by all lots on it so far. */
  orderLine: { poNumber: string; lineNumber: number; ordered: number; delivered: number } | null;
  /** QA's decision, once the lot was inspected. */
  inspection: LotInspection | null;
  /** This lot's audit trail, oldest first. */
  history: HistoryEntry[];
  /** Why the approved supplier list flagged it at submission (shared/supplier-approvals), or null. */
  approvalFlag: Problem | null;
  /** What the page offers: inspecting (QA, while the lot waits for its decision). */
  permissions: { inspect: boolean };
}

async function lotInspection(db: UseCaseContext['db'], lotId: string): Promise<LotInspection | null> {
  const row = await db.get<{
    outcome: InspectionOutcome;
    sample_size: number;
    defects_found: number;
    measurements: string;
    deviation: string | null;
    reason: string | null;
    decided_at: string;
    signer_name: string;
    meaning: SignatureMeaning;
    signed_at: string;
    method: 'password' | 'passkey';
    id: string;
  }>(
    `SELECT li.id, li.outcome, li.sample_size, li.defects_found, li.measurements, li.deviation, li.reason, li.decided_at, s.signer_name, s.meaning, s.signed_at, s.method
       FROM lot_inspections li JOIN signatures s ON s.id = li.signature_id WHERE li.lot_id = ?`,
    [lotId],
  );
  if (!row) return null;
  const files = await db.all<{ id: string; original_name: string; content_type: string; size_bytes: number; sha256: string }>(
    `SELECT f.id, f.original_name, f.content_type, f.size_bytes, f.sha256
       FROM lot_inspection_files lf JOIN stored_files f ON f.id = lf.file_id WHERE lf.inspection_id = ? ORDER BY lf.position`,
    [row.id],
  );
  return {
    outcome: row.outcome,
    sampleSize: row.sample_size,
    defectsFound: row.defects_found,
    measurements: JSON.parse(row.measurements) as Measurement[],
    deviation: row.deviation,
    reason: row.reason,
    decidedAt: row.decided_at,
    signature: { signerName: row.signer_name, meaning: row.meaning, signedAt: row.signed_at, method: row.method },
    attachments: files.map((f) => ({ id: f.id, name: f.original_name, contentType: f.content_type, sizeBytes: f.size_bytes, sha256: f.sha256 })),
  };
}

/**
 * One lot record with its history from the audit trail. Visible to the supplier that submitted
 * it and to the manufacturer's staff; anyone else gets not_found, which hides that it exists.
 */
export async function getLot(ctx: UseCaseContext, actor: Actor, lotId: string): Promise<LotDetail> {
  const scope = lotScope(actor);
  const row = scope ? await ctx.db.get<LotRow>(`${lotSelect} WHERE l.id = ? AND ${scope.sql}`, [lotId, ...scope.args]) : undefined;
  if (!row) throw new AppError('not_found', 'no such lot');
  const lot = toLot(row);
  const [line, history, inspection] = await Promise.all([
    lot.purchaseOrder
      ? ctx.db.get<{ ordered: number; delivered: number }>(
          `SELECT pol.quantity AS ordered, (SELECT COALESCE(SUM(quantity), 0) FROM lots WHERE purchase_order_id = pol.purchase_order_id AND po_line_number = pol.line_number) AS delivered
             FROM purchase_order_lines pol WHERE pol.purchase_order_id = ? AND pol.line_number = ?`,
          [lot.purchaseOrder.id, lot.purchaseOrder.lineNumber],
        )
      : Promise.resolve(undefined),
    recordHistory(ctx.db, [{ entityType: 'lot', entityId: lot.id }]),
    lot.state === 'submitted' ? Promise.resolve(null) : lotInspection(ctx.db, lot.id),
  ]);
  const flag = await ctx.db.get<{ code: string; params: string }>('SELECT code, params FROM lot_approval_flags WHERE lot_id = ?', [lot.id]);
  return {
    lot,
    hashIntact: lotRecordHash(lot) === lot.recordHash,
    orderLine: lot.purchaseOrder && line ? { poNumber: lot.purchaseOrder.poNumber, lineNumber: lot.purchaseOrder.lineNumber, ordered: line.ordered, delivered: line.delivered } : null,
    inspection,
    history,
    approvalFlag: flag ? ({ code: flag.code, params: JSON.parse(flag.params) } as Problem) : null,
    permissions: { inspect: inspectLots.allows(actor) && inspection === null },
  };
}
