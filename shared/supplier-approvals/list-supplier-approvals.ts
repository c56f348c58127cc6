import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { listSupplierNames } from '../organisations/list-supplier-names.ts';
import { keysetRows, type KeysetAfter } from '../db/keyset-rows.ts';
import { approvalColumns, approvalFrom, approvalScope, approvalSelect, decideApprovals, isApprovalStatus, readApprovals, toApproval, type ApprovalRow, type SupplierApproval } from './approval.ts';

export interface ApprovalQuery {
  /** Manufacturer staff only: one supplier's entries. */
  supplierId?: string;
  /** A GTIN (matched without leading zeros) or part of one, or part of a category. */
  item?: string;
  status?: string;
}

/** A keyset page (the REST API): the rows after `after` (from the start when null), at most `limit` (1–200). */
export interface ApprovalKeysetQuery extends ApprovalQuery {
  /** By the entry's scope (its GTIN-14, else its category: items before categories) or by when it was last decided. */
  sort: 'item' | 'decided';
  order: 'asc' | 'desc';
  after: KeysetAfter | null;
  limit: number;
}

export interface ApprovalKeysetList {
  items: SupplierApproval[];
  /** Where the next page starts; null on the last page. */
  next: KeysetAfter | null;
  permissions: { decide: boolean };
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
 * status; ordered by supplier and scope (the portal, at most 500) or, given `after`, a keyset page
 * by scope or by decision time (the REST API).
 */
export async function listSupplierApprovals(ctx: UseCaseContext, actor: Actor, query?: ApprovalQuery): Promise<ApprovalList>;
export async function listSupplierApprovals(ctx: UseCaseContext, actor: Actor, query: ApprovalKeysetQuery): Promise<ApprovalKeysetList>;
export async function listSupplierApprovals(ctx: UseCaseContext, actor: Actor, query: ApprovalQuery | ApprovalKeysetQuery = {}): Promise<ApprovalList | ApprovalKeysetList> {
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
  const permissions = { decide: decideApprovals.allows(actor) };
  if ('after' in query) {
    const { rows, next } = await keysetRows<ApprovalRow>(ctx.db, {
      select: approvalColumns,
      from: approvalFrom,
      where,
      args,
      key: query.sort === 'decided' ? 'a.decided_at' : 'COALESCE(a.item_gtin, a.item_category)',
      id: 'a.id',
      order: query.order,
      after: query.after,
      limit: Math.min(Math.max(Math.trunc(query.limit), 1), 200),
    });
    return { items: rows.map(toApproval), next, permissions };
  }
  const rows = await ctx.db.all<ApprovalRow>(`${approvalSelect} WHERE ${where.join(' AND ')} ORDER BY o.name, a.item_gtin IS NULL, a.item_gtin, a.item_category LIMIT ${maxRows}`, args);
  return {
    items: rows.map(toApproval),
    staff,
    suppliers: staff ? await listSupplierNames(ctx.db) : [],
    permissions,
  };
}
