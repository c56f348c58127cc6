import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { listSupplierNames } from '../organisations/list-supplier-names.ts';
import { approvalScope, approvalSelect, decideApprovals, isApprovalStatus, readApprovals, toApproval, type ApprovalRow, type SupplierApproval } from './approval.ts';

export interface ApprovalQuery {
  /** Manufacturer staff only: one supplier's entries. */
  supplierId?: string;
  /** A GTIN (matched without leading zeros) or part of one, or part of a category. */
  item?: string;
  status?: string;
}

export interface ApprovalList {
  items: SupplierApproval[];
  /** Manufacturer staff see every supplier's entries; a supplier its own. */
  staff: boolean;
  /** For the supplier filter and the new-entry form of manufacturer staff; empty for a supplier. */
  suppliers: { id: string; name: string }[];
  permissions: { decide: boolean };
}

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const maxRows = 500;

/**
 * The approved supplier list: manufacturer staff see every supplier's entries, a supplier's
 * users only their own organisation's (read-only). Filtered by supplier, item or category, and
 * status; ordered by supplier and scope.
 */
export async function listSupplierApprovals(ctx: UseCaseContext, actor: Actor, query: ApprovalQuery = {}): Promise<ApprovalList> {
  readApprovals.require(actor);
  const scope = approvalScope(actor);
  const where = [scope.sql];
  const args: string[] = [...scope.args];
  const staff = actor.organisationKind === 'manufacturer';
  if (staff && query.supplierId) {
    where.push('a.supplier_id = ?');
    args.push(query.supplierId);
  }
  const item = query.item?.trim();
  if (item) {
    where.push("(a.item_gtin LIKE ? ESCAPE '\\' OR a.item_category LIKE ? ESCAPE '\\' OR i.description LIKE ? ESCAPE '\\')");
    args.push(like(item.replace(/^0+(?=\d)/, '')), like(item), like(item));
  }
  if (isApprovalStatus(query.status)) {
    where.push('a.status = ?');
    args.push(query.status);
  }
  const rows = await ctx.db.all<ApprovalRow>(`${approvalSelect} WHERE ${where.join(' AND ')} ORDER BY o.name, a.item_gtin IS NULL, a.item_gtin, a.item_category LIMIT ${maxRows}`, args);
  return {
    items: rows.map(toApproval),
    staff,
    suppliers: staff ? await listSupplierNames(ctx.db) : [],
    permissions: { decide: decideApprovals.allows(actor) },
  };
}
