import { pagedRows } from '../db/paged-rows.ts';
import { keysetRows, type KeysetAfter } from '../db/keyset-rows.ts';
import { listSupplierNames } from '../organisations/list-supplier-names.ts';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { requireRole } from '../auth/actor.ts';
import { lotListPermissions } from './lot-permissions.ts';
import { lotScope, stateOfOutcome, type InspectionOutcome, type LotSource, type LotState } from './lot.ts';

export interface LotQuery {
  /** GTIN (any length; matched as GTIN-14) or part of one. */
  gtin?: string;
  /** Part of a lot number. */
  lot?: string;
  poNumber?: string;
  /** Manufacturer staff only: one supplier's lots. */
  supplierId?: string;
  /** Only the lots flagged for attention (see `flaggedLot`). */
  flagged?: boolean;
  /** Only the lots in this state: 'submitted' is awaiting inspection. */
  state?: LotState;
  sort?: 'submitted' | 'expiry';
  order?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

/** A keyset page (the REST API): the rows after `after` (from the start when null), at most `limit` (1–200). */
export interface LotKeysetQuery extends Omit<LotQuery, 'page' | 'pageSize'> {
  after: KeysetAfter | null;
  limit: number;
}

export interface LotListItem {
  id: string;
  gtin: string;
  lot: string;
  serialCount: number;
  manufactureDate: string | null;
  expiryDate: string | null;
  quantity: number;
  purchaseOrder: { poNumber: string; lineNumber: number } | null;
  source: LotSource;
  /** Submitted (awaiting inspection), released, released with deviation or rejected. */
  state: LotState;
  submittedAt: string;
  supplier: { organisationId: string; name: string };
}

export interface LotList {
  items: LotListItem[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Whether the actor is manufacturer staff, who see every supplier's lots (a supplier: only its own). */
  staff: boolean;
  /** For the supplier filter of manufacturer staff; empty for a supplier. */
  suppliers: { id: string; name: string }[];
  /** What the page offers this actor: submitting lots. */
  permissions: { submit: boolean };
}

export interface LotKeysetList {
  items: LotListItem[];
  /** Where the next page starts (its sort key: the submission time or the expiry date, '' for none); null on the last page. */
  next: KeysetAfter | null;
  permissions: { submit: boolean };
}

/**
 * What flags a lot: its order line is over-delivered (all lots on it together exceed the ordered
 * quantity, as the lot page shows), or the CoC / CoA it names was rejected and no version of that
 * certificate is approved or waiting for review. A condition on `lots l`. Its first term (only a
 * lot with an order line or a certificate can be flagged) lets SQLite skip the others through the
 * partial index lots_flag_candidates (migration 0041). Or the approved supplier list flagged it at
 * submission (lot_approval_flags, migration 0049).
 */
export const flaggedLot = `(((l.purchase_order_id IS NOT NULL OR l.certificate_series_id IS NOT NULL) AND (
  EXISTS (SELECT 1 FROM purchase_order_lines pol
           WHERE pol.purchase_order_id = l.purchase_order_id AND pol.line_number = l.po_line_number
             AND pol.quantity < (SELECT SUM(x.quantity) FROM lots x WHERE x.purchase_order_id = pol.purchase_order_id AND x.po_line_number = pol.line_number))
  OR (EXISTS (SELECT 1 FROM certificates c WHERE c.series_id = l.certificate_series_id AND c.state = 'rejected')
      AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.series_id = l.certificate_series_id AND c.state IN ('approved', 'submitted')))))
  OR EXISTS (SELECT 1 FROM lot_approval_flags f WHERE f.lot_id = l.id))`;

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Lot records: a supplier user sees its own organisation's, manufacturer QA and administrators
 * every supplier's. Filters by GTIN, lot, purchase order and supplier; sorted by submission
 * time or expiry, then id (a total order); paged by page number (the portal) or, given
 * `after`, by keyset (the REST API: no row repeated or skipped when lots arrive meanwhile).
 */
export async function listLots(ctx: UseCaseContext, actor: Actor, query?: LotQuery): Promise<LotList>;
export async function listLots(ctx: UseCaseContext, actor: Actor, query: LotKeysetQuery): Promise<LotKeysetList>;
export async function listLots(ctx: UseCaseContext, actor: Actor, query: LotQuery | LotKeysetQuery = {}): Promise<LotList | LotKeysetList> {
  requireRole(actor, 'supplier_user', 'manufacturer_qa', 'manufacturer_admin');
  const scope = lotScope(actor)!;
  const where = [scope.sql];
  const args: (string | number)[] = [...scope.args];
  const gtin = query.gtin?.trim();
  if (gtin) {
    where.push("l.gtin LIKE ? ESCAPE '\\'");
    args.push(like(gtin.replace(/^0+/, '')));
  }
  const lot = query.lot?.trim();
  if (lot) {
    where.push("l.lot LIKE ? ESCAPE '\\'");
    args.push(like(lot));
  }
  const po = query.poNumber?.trim();
  if (po) {
    where.push('po.po_number = ?');
    args.push(po);
  }
  const staff = actor.organisationKind === 'manufacturer';
  if (staff && query.supplierId) {
    where.push('l.organisation_id = ?');
    args.push(query.supplierId);
  }
  if (query.flagged) where.push(flaggedLot);
  if (query.state) {
    const outcome = (Object.keys(stateOfOutcome) as InspectionOutcome[]).find((o) => stateOfOutcome[o] === query.state);
    if (outcome) {
      where.push('EXISTS (SELECT 1 FROM lot_inspections li WHERE li.lot_id = l.id AND li.outcome = ?)');
      args.push(outcome);
    } else where.push('NOT EXISTS (SELECT 1 FROM lot_inspections li WHERE li.lot_id = l.id)');
  }
  // A lot without an expiry date sorts as '' (first ascending), as NULL did.
  const key = query.sort === 'expiry' ? "COALESCE(l.expiry_date, '')" : 'l.submitted_at';
  const order = query.order === 'asc' ? 'ASC' : 'DESC';
  const clause = where.join(' AND ');
  const select = `l.id, l.gtin, l.lot, json_array_length(l.serials) AS serial_count, l.manufacture_date, l.expiry_date, l.quantity, po.po_number, l.po_line_number,
             l.source, (SELECT li.outcome FROM lot_inspections li WHERE li.lot_id = l.id) AS outcome, l.submitted_at, l.organisation_id, o.name AS supplier_name`;
  const from = 'FROM lots l JOIN organisations o ON o.id = l.organisation_id LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id';
  const permissions = lotListPermissions(actor);

  if ('after' in query) {
    const { rows, next } = await keysetRows<LotListRow>(ctx.db, {
      select,
      from,
      where: [clause],
      args,
      key,
      id: 'l.id',
      order: query.order === 'asc' ? 'asc' : 'desc',
      after: query.after,
      limit: Math.min(Math.max(Math.trunc(query.limit), 1), 200),
    });
    return { items: rows.map(toListItem), next, permissions };
  }

  const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? 25), 1), 100);
  // The count joins the purchase order only when a filter reads it (every lot has its organisation).
  const countFrom = po ? 'FROM lots l LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id' : 'FROM lots l';
  const { rows, total, page, pages } = await pagedRows<LotListRow>(ctx.db, {
    select,
    from: `${from} WHERE ${clause}`,
    args,
    count: `SELECT COUNT(*) AS n ${countFrom} WHERE ${clause}`,
    countArgs: args,
    orderBy: `${key} ${order}, l.id ${order}`,
    page: query.page ?? 1,
    pageSize,
  });
  const suppliers = staff ? await listSupplierNames(ctx.db) : [];
  return { items: rows.map(toListItem), total, page, pageSize, pages, staff, suppliers, permissions };
}

interface LotListRow {
  id: string;
  gtin: string;
  lot: string;
  serial_count: number;
  manufacture_date: string | null;
  expiry_date: string | null;
  quantity: number;
  po_number: string | null;
  po_line_number: number | null;
  source: LotSource;
  outcome: InspectionOutcome | null;
  submitted_at: string;
  organisation_id: string;
  supplier_name: string;
}

function toListItem(r: LotListRow): LotListItem {
  return {
    id: r.id,
    gtin: r.gtin,
    lot: r.lot,
    serialCount: r.serial_count,
    manufactureDate: r.manufacture_date,
    expiryDate: r.expiry_date,
    quantity: r.quantity,
    purchaseOrder: r.po_number && r.po_line_number !== null ? { poNumber: r.po_number, lineNumber: r.po_line_number } : null,
    source: r.source,
    state: r.outcome ? stateOfOutcome[r.outcome] : 'submitted',
    submittedAt: r.submitted_at,
    supplier: { organisationId: r.organisation_id, name: r.supplier_name },
  };
}
