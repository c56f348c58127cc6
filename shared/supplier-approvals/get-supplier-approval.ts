import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { recordHistory, type HistoryEntry } from '../audit/record-history.ts';
import { approvalScope, approvalSelect, decideApprovals, readApprovals, toApproval, type ApprovalRow, type SupplierApproval } from './approval.ts';

export interface ApprovalSignature {
  id: string;
  signerName: string;
  signedAt: string;
  meaning: string;
  method: string;
  reason: string | null;
}

export interface ApprovalDetail {
  approval: SupplierApproval;
  /** The entry's audit trail, oldest first: every decision and automatic downgrade. */
  history: HistoryEntry[];
  /** Every signature QA applied to the entry, oldest first. */
  signatures: ApprovalSignature[];
  permissions: { decide: boolean };
}

/**
 * One approved supplier list entry with its history and signatures. A supplier's users see only
 * their own organisation's entries; anyone else's is not_found (which hides that it exists).
 */
export async function getSupplierApproval(ctx: UseCaseContext, actor: Actor, id: string): Promise<ApprovalDetail> {
  readApprovals.require(actor);
  const scope = approvalScope(actor);
  const row = await ctx.db.get<ApprovalRow>(`${approvalSelect} WHERE a.id = ? AND ${scope.sql}`, [id, ...scope.args]);
  if (!row) throw new AppError('not_found', 'no such approved supplier list entry');
  const [history, signatures] = await Promise.all([
    recordHistory(ctx.db, [{ entityType: 'supplier_approval', entityId: id }]),
    ctx.db.all<{ id: string; signer_name: string; signed_at: string; meaning: string; method: string; reason: string | null }>(
      "SELECT id, signer_name, signed_at, meaning, method, reason FROM signatures WHERE entity_type = 'supplier_approval' AND entity_id = ? ORDER BY signed_at, id",
      [id],
    ),
  ]);
  return {
    approval: toApproval(row),
    history,
    signatures: signatures.map((s) => ({ id: s.id, signerName: s.signer_name, signedAt: s.signed_at, meaning: s.meaning, method: s.method, reason: s.reason })),
    permissions: { decide: decideApprovals.allows(actor) },
  };
}
