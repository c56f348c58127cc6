import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { submitInvoices } from './invoice-permissions.ts';
import { ownedBy } from '../auth/scope.ts';
import { formatPlain, fromInteger, parseDecimal } from './money.ts';
import { closedPurchaseOrderStates } from './invoice.ts';

export interface InvoiceableOrder {
  id: string;
  poNumber: string;
  currency: string;
  orderDate: string;
  status: string;
  lines: {
    lineNumber: number;
    gtin: string;
    description: string;
    ordered: number;
    /** Already on submitted invoices. */
    invoiced: string;
    /** Ordered minus invoiced (never below 0). */
    left: string;
    unitPrice: string;
  }[];
}

/**
 * The caller's open purchase orders (not cancelled or closed) with what is left to invoice on
 * each line: what the invoice form is filled from. Orders with nothing left are left out.
 */
export async function listInvoiceableOrders(ctx: UseCaseContext, actor: Actor): Promise<InvoiceableOrder[]> {
  submitInvoices.require(actor);
  const scope = ownedBy(actor, 'po.supplier_organisation_id');
  const orders = await ctx.db.all<{ id: string; po_number: string; currency: string; order_date: string; status: string }>(
    `SELECT po.id, po.po_number, po.currency, po.order_date, po.status FROM purchase_orders po
      WHERE ${scope.sql} AND po.status NOT IN (${closedPurchaseOrderStates.map(() => '?').join(', ')})
      ORDER BY po.order_date DESC, po.po_number`,
    [...scope.args, ...closedPurchaseOrderStates],
  );
  if (orders.length === 0) return [];
  const lines = await ctx.db.all<{ purchase_order_id: string; line_number: number; gtin: string; quantity: number; unit_price: string; description: string | null }>(
    `SELECT l.purchase_order_id, l.line_number, l.gtin, l.quantity, l.unit_price, it.description
       FROM purchase_order_lines l JOIN purchase_orders po ON po.id = l.purchase_order_id LEFT JOIN items it ON it.gtin = l.gtin
      WHERE ${scope.sql} ORDER BY l.purchase_order_id, l.line_number`,
    scope.args,
  );
  const invoicedRows = await ctx.db.all<{ purchase_order_id: string; po_line_number: number; quantity: string }>(
    `SELECT i.purchase_order_id, il.po_line_number, il.quantity FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id
      WHERE ${ownedBy(actor, 'i.organisation_id').sql}`,
    [actor.organisationId],
  );
  const invoiced = new Map<string, bigint>();
  for (const r of invoicedRows) {
    const key = `${r.purchase_order_id}:${r.po_line_number}`;
    invoiced.set(key, (invoiced.get(key) ?? 0n) + (parseDecimal(r.quantity) ?? 0n));
  }
  return orders
    .map((o) => ({
      id: o.id,
      poNumber: o.po_number,
      currency: o.currency,
      orderDate: o.order_date,
      status: o.status,
      lines: lines
        .filter((l) => l.purchase_order_id === o.id)
        .map((l) => {
          const done = invoiced.get(`${o.id}:${l.line_number}`) ?? 0n;
          const left = fromInteger(l.quantity) - done;
          return {
            lineNumber: l.line_number,
            gtin: l.gtin,
            description: l.description ?? '',
            ordered: l.quantity,
            invoiced: formatPlain(done),
            left: formatPlain(left > 0n ? left : 0n),
            unitPrice: l.unit_price,
          };
        }),
    }))
    .filter((o) => o.lines.some((l) => l.left !== '0'));
}
