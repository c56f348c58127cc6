import { pagedRows } from '../db/paged-rows.ts';
import { keysetRows, type KeysetAfter } from '../db/keyset-rows.ts';
import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor } from '../auth/actor.ts';
import { listSupplierNames } from '../organisations/list-supplier-names.ts';
import { orderStates, type OrderState } from './order-states.ts';
import { orderStateSql } from './order-state-sql.ts';
import { respondToPurchaseOrders } from './respond-to-purchase-order.ts';

export interface OrderQuery {
  state?: OrderState | string;
  /** Manufacturer staff only: one supplier's orders. */
  supplierId?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface OrderListItem {
  id: string;
  poNumber: string;
  orderDate: string;
  version: number;
  currency: string;
  state: OrderState;
  lines: number;
  /** The earliest delivery date asked for on its lines. */
  deliveryDate: string | null;
  supplier: { organisationId: string; name: string };
}

export interface OrderList {
  items: OrderListItem[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Manufacturer staff see every supplier's orders (a supplier: only its own). */
  staff: boolean;
  suppliers: { id: string; name: string }[];
  permissions: { respond: boolean };
}

type ListRow = {
  id: string;
  po_number: string;
  order_date: string;
  version: number;
  currency: string;
  supplier_organisation_id: string;
  supplier_name: string;
  state: OrderState;
  line_count: number;
  delivery_date: string | null;
};

/** The list's rows (the actor's scope and the supplier filter) as a subquery, and the state filter over it. */
function listQuery(actor: Actor, query: OrderQuery) {
  requireRole(actor, 'supplier_user', 'manufacturer_qa', 'manufacturer_admin');
  const staff = actor.organisationKind === 'manufacturer';
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (!staff) {
    where.push('po.supplier_organisation_id = ?');
    args.push(actor.organisationId);
  } else if (query.supplierId) {
    where.push('po.supplier_organisation_id = ?');
    args.push(query.supplierId);
  }
  const state = orderStates.find((s) => s === query.state);
  const inner = `SELECT po.id, po.po_number, po.order_date, po.version, po.currency, po.supplier_organisation_id, o.name AS supplier_name, ${orderStateSql} AS state,
                        (SELECT COUNT(*) FROM purchase_order_lines pl WHERE pl.purchase_order_id = po.id) AS line_count,
                        (SELECT MIN(pl.delivery_date) FROM purchase_order_lines pl WHERE pl.purchase_order_id = po.id) AS delivery_date
                   FROM purchase_orders po JOIN organisations o ON o.id = po.supplier_organisation_id
                  ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  return { staff, from: `FROM (${inner})`, args, filters: state ? ['state = ?'] : [], filterArgs: state ? [state] : [] };
}

function toItem(r: ListRow): OrderListItem {
  return {
    id: r.id,
    poNumber: r.po_number,
    orderDate: r.order_date,
    version: r.version,
    currency: r.currency,
    state: r.state,
    lines: r.line_count,
    deliveryDate: r.delivery_date,
    supplier: { organisationId: r.supplier_organisation_id, name: r.supplier_name },
  };
}

/**
 * Purchase orders: a supplier user sees its own organisation's, manufacturer QA and
 * administrators every supplier's. Filtered by state (to confirm first of all) and supplier,
 * newest first, paged.
 */
export async function listPurchaseOrders(ctx: UseCaseContext, actor: Actor, query: OrderQuery = {}): Promise<OrderList> {
  const { staff, from, args, filters, filterArgs } = listQuery(actor, query);
  const filter = filters.length ? `WHERE ${filters.join(' AND ')}` : '';
  const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? 25), 1), 100);
  const { rows, total, page, pages } = await pagedRows<ListRow>(ctx.db, {
    select: '*',
    from: `${from} ${filter}`,
    args: [...args, ...filterArgs],
    count: `SELECT COUNT(*) AS n ${from} ${filter}`,
    countArgs: [...args, ...filterArgs],
    orderBy: 'order_date DESC, po_number',
    page: query.page ?? 1,
    pageSize,
  });
  return {
    items: rows.map(toItem),
    total,
    page,
    pageSize,
    pages,
    staff,
    suppliers: staff ? await listSupplierNames(ctx.db) : [],
    permissions: { respond: respondToPurchaseOrders.allows(actor) },
  };
}

/**
 * The same list (the same scope and filters) a keyset page at a time, for the REST API: the
 * orders after `after` (the order date and id of the previous page's last one) in the order
 * (order date, id), newest first unless `order` is 'asc', at most `limit` (1–200); `next` is
 * where the next page starts, null at the end.
 */
export async function listPurchaseOrdersAfter(
  ctx: UseCaseContext,
  actor: Actor,
  query: Omit<OrderQuery, 'page' | 'pageSize'> & { order?: 'asc' | 'desc'; after?: KeysetAfter | null; limit: number },
): Promise<{ items: OrderListItem[]; next: KeysetAfter | null; permissions: { respond: boolean } }> {
  const { from, args, filters, filterArgs } = listQuery(actor, query);
  const { rows, next } = await keysetRows<ListRow>(ctx.db, {
    select: '*',
    from,
    where: filters,
    args: [...args, ...filterArgs],
    key: 'order_date',
    id: 'id',
    order: query.order === 'asc' ? 'asc' : 'desc',
    after: query.after,
    limit: Math.min(Math.max(Math.trunc(query.limit), 1), 200),
  });
  return { items: rows.map(toItem), next, permissions: { respond: respondToPurchaseOrders.allows(actor) } };
}
