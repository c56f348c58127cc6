import { pagedRows } from '../db/paged-rows.ts';
import { keysetRows, type KeysetAfter } from '../db/keyset-rows.ts';
import { listSupplierNames } from '../organisations/list-supplier-names.ts';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { requireRole } from '../auth/actor.ts';
import { invoiceListPermissions } from './invoice-permissions.ts';
import { invoiceScope } from './invoice.ts';
import { erpInvoiceStatuses, isInvoiceState, type ErpInvoiceStatus, type InvoiceState } from './invoice-states.ts';

export interface InvoiceQuery {
  state?: string;
  /** The ERP's latest status (received … paid); "none" for invoices the ERP has not reported on. */
  erpStatus?: string;
  /** Manufacturer staff only: one supplier's invoices. */
  supplierId?: string;
  sort?: 'submitted' | 'invoice_date' | 'due_date' | 'number';
  order?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface InvoiceListItem {
  id: string;
  number: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  grossTotal: string;
  poNumber: string;
  purchaseOrderId: string;
  state: InvoiceState;
  submittedAt: string;
  /** The ERP's most recent status report, or null before the first. */
  erpStatus: { status: ErpInvoiceStatus; reason: string | null; paidOn: string | null; occurredAt: string; receivedAt: string } | null;
  supplier: { organisationId: string; name: string };
}

export interface InvoiceList {
  items: InvoiceListItem[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Whether the actor is manufacturer staff, who see every supplier's invoices (a supplier: only its own). */
  staff: boolean;
  /** For the supplier filter of manufacturer staff; empty for a supplier. */
  suppliers: { id: string; name: string }[];
  /** What the page offers this actor: submitting invoices. */
  permissions: { submit: boolean };
}

// The newest status update of an invoice (ERP time, then arrival order).
const latestStatus = `(SELECT s.id FROM invoice_status_updates s
   WHERE s.supplier_organisation_id = i.organisation_id AND s.invoice_number = i.invoice_number
   ORDER BY s.occurred_at DESC, s.received_at DESC, s.rowid DESC LIMIT 1)`;

const sortColumns = { submitted: 'i.submitted_at', invoice_date: 'i.invoice_date', due_date: 'i.due_date', number: 'i.invoice_number' } as const;
export const invoiceSorts = Object.keys(sortColumns) as (keyof typeof sortColumns)[];

type ListRow = {
  id: string;
  invoice_number: string;
  invoice_date: string;
  due_date: string;
  currency: string;
  gross_total: string;
  po_number: string;
  purchase_order_id: string;
  state: InvoiceState;
  submitted_at: string;
  organisation_id: string;
  supplier_name: string;
  status: ErpInvoiceStatus | null;
  reason: string | null;
  paid_on: string | null;
  occurred_at: string | null;
  received_at: string | null;
};

const select = `i.id, i.invoice_number, i.invoice_date, i.due_date, i.currency, i.gross_total, po.po_number, i.purchase_order_id, i.state, i.submitted_at,
             i.organisation_id, o.name AS supplier_name, s.status, s.reason, s.paid_on, s.occurred_at, s.received_at`;
const joins = `FROM invoices i
       JOIN purchase_orders po ON po.id = i.purchase_order_id
       JOIN organisations o ON o.id = i.organisation_id
       LEFT JOIN invoice_status_updates s ON s.id = ${latestStatus}`;

/** The list's conditions (the actor's scope and the filters), its sort column and order. */
function listQuery(actor: Actor, query: InvoiceQuery) {
  requireRole(actor, 'supplier_user', 'manufacturer_qa', 'manufacturer_admin');
  const scope = invoiceScope(actor)!;
  const where = [scope.sql];
  const args: (string | number)[] = [...scope.args];
  if (isInvoiceState(query.state)) {
    where.push('i.state = ?');
    args.push(query.state);
  }
  if (query.erpStatus === 'none') where.push('s.id IS NULL');
  else if (erpInvoiceStatuses.includes(query.erpStatus as ErpInvoiceStatus)) {
    where.push('s.status = ?');
    args.push(query.erpStatus!);
  }
  const staff = actor.organisationKind === 'manufacturer';
  if (staff && query.supplierId) {
    where.push('i.organisation_id = ?');
    args.push(query.supplierId);
  }
  const column = sortColumns[query.sort ?? 'submitted'] ?? sortColumns.submitted;
  const order: 'asc' | 'desc' = query.order === 'asc' ? 'asc' : 'desc';
  return { where, args, staff, column, order };
}

function toItem(r: ListRow): InvoiceListItem {
  return {
    id: r.id,
    number: r.invoice_number,
    invoiceDate: r.invoice_date,
    dueDate: r.due_date,
    currency: r.currency,
    grossTotal: r.gross_total,
    poNumber: r.po_number,
    purchaseOrderId: r.purchase_order_id,
    state: r.state,
    submittedAt: r.submitted_at,
    erpStatus: r.status ? { status: r.status, reason: r.reason, paidOn: r.paid_on, occurredAt: r.occurred_at!, receivedAt: r.received_at! } : null,
    supplier: { organisationId: r.organisation_id, name: r.supplier_name },
  };
}

/**
 * Invoices with the ERP's latest status: a supplier user sees its own organisation's, the
 * manufacturer's staff every supplier's. Filters by state, ERP status and supplier; sorted;
 * paged.
 */
export async function listInvoices(ctx: UseCaseContext, actor: Actor, query: InvoiceQuery = {}): Promise<InvoiceList> {
  const { where, args, staff, column, order } = listQuery(actor, query);
  const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? 25), 1), 100);
  const from = `${joins} WHERE ${where.join(' AND ')}`;
  const { rows, total, page, pages } = await pagedRows<ListRow>(ctx.db, {
    select,
    from,
    args,
    count: `SELECT COUNT(*) AS n FROM invoices i LEFT JOIN invoice_status_updates s ON s.id = ${latestStatus} WHERE ${where.join(' AND ')}`,
    countArgs: args,
    orderBy: `${column} ${order}, i.id ${order}`,
    page: query.page ?? 1,
    pageSize,
  });
  const suppliers = staff ? await listSupplierNames(ctx.db) : [];
  return {
    items: rows.map(toItem),
    total,
    page,
    pageSize,
    pages,
    staff,
    suppliers,
    permissions: invoiceListPermissions(actor),
  };
}

/**
 * The same list (the same scope, filters and sorts) a keyset page at a time, for the REST API:
 * the invoices after `after` (the sort key and id of the previous page's last one) in the order
 * (sort key, id), at most `limit` (1–200); `next` is where the next page starts, null at the end.
 */
export async function listInvoicesAfter(
  ctx: UseCaseContext,
  actor: Actor,
  query: Omit<InvoiceQuery, 'page' | 'pageSize'> & { after?: KeysetAfter | null; limit: number },
): Promise<{ items: InvoiceListItem[]; next: KeysetAfter | null; permissions: { submit: boolean } }> {
  const { where, args, column, order } = listQuery(actor, query);
  const { rows, next } = await keysetRows<ListRow>(ctx.db, {
    select,
    from: joins,
    where,
    args,
    key: column,
    id: 'i.id',
    order,
    after: query.after,
    limit: Math.min(Math.max(Math.trunc(query.limit), 1), 200),
  });
  return { items: rows.map(toItem), next, permissions: invoiceListPermissions(actor) };
}
