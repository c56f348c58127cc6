import { recordHistory, type HistoryEntry } from '../audit/record-history.ts';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError, type Problem } from '../errors.ts';
import { lotRecordHash, lotScope, lotSelect, toLot, type Lot, type LotRow } from './lot.ts';

export interface LotDetail {
  lot: Lot;
  /** Whether the stored content still hashes to its record hash. */
  hashIntact: boolean;
  /** The order line it was delivered against: ordered, and delivered by all lots on it so far. */
  orderLine: { poNumber: string; lineNumber: number; ordered: number; delivered: number } | null;
  /** This lot's audit trail, oldest first. */
  history: HistoryEntry[];
  /** Why the approved supplier list flagged it at submission (shared/supplier-approvals), or null. */
  approvalFlag: Problem | null;
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
  const [line, history] = await Promise.all([
    lot.purchaseOrder
      ? ctx.db.get<{ ordered: number; delivered: number }>(
          `SELECT pol.quantity AS ordered, (SELECT COALESCE(SUM(quantity), 0) FROM lots WHERE purchase_order_id = pol.purchase_order_id AND po_line_number = pol.line_number) AS delivered
             FROM purchase_order_lines pol WHERE pol.purchase_order_id = ? AND pol.line_number = ?`,
          [lot.purchaseOrder.id, lot.purchaseOrder.lineNumber],
        )
      : Promise.resolve(undefined),
    recordHistory(ctx.db, [{ entityType: 'lot', entityId: lot.id }]),
  ]);
  const flag = await ctx.db.get<{ code: string; params: string }>('SELECT code, params FROM lot_approval_flags WHERE lot_id = ?', [lot.id]);
  return {
    lot,
    hashIntact: lotRecordHash(lot) === lot.recordHash,
    orderLine: lot.purchaseOrder && line ? { poNumber: lot.purchaseOrder.poNumber, lineNumber: lot.purchaseOrder.lineNumber, ordered: line.ordered, delivered: line.delivered } : null,
    history,
    approvalFlag: flag ? ({ code: flag.code, params: JSON.parse(flag.params) } as Problem) : null,
  };
}
