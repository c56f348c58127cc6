import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { submitLotRecords } from '../lots/lot-permissions.ts';
import { submitInvoices } from '../invoices/invoice-permissions.ts';
import type { OrderState, ResponseSource } from './order-states.ts';
import { orderStateSql } from './order-state-sql.ts';
import { respondToPurchaseOrders, type ResponseLine, type ResponseStatus } from './respond-to-purchase-order.ts';

export interface OrderLine {
  lineNumber: number;
  gtin: string;
  /** The item's name as the ERP sent it ('' when the ERP has not sent the item). */
  itemName: string;
  quantity: number;
  unitPrice: string;
  deliveryDate: string | null;
  /** The lots delivered against the line. */
  lots: { id: string; lot: string; quantity: number }[];
  delivered: number;
  /** On submitted invoices, as a decimal. */
  invoiced: string;
}

export interface OrderResponse {
  id: string;
  responseNumber: string;
  status: ResponseStatus;
  source: ResponseSource;
  /** The order version answered (null for answers recorded before versions were kept). */
  version: number | null;
  note: string | null;
  lines: ResponseLine[];
  receivedAt: string;
  by: string;
}

export interface OrderDetail {
  order: { id: string; poNumber: string; orderDate: string; version: number; currency: string; erpStatus: string; state: OrderState; supplier: { organisationId: string; name: string } };
  lines: OrderLine[];
  /** The supplier's answers, newest first. */
  responses: OrderResponse[];
  /** Manufacturer staff (who see the supplier's name); a supplier sees only its own orders. */
  staff: boolean;
  /** What the page offers: answering (the supplier, while the order is open), submitting a lot or an invoice for it. */
  permissions: { respond: boolean; submitLot: boolean; invoice: boolean };
}

/**
 * One purchase order with its lines (what was delivered and invoiced on each), the supplier's
 * answers (newest first). Visible to its supplier and to the manufacturer's staff; anyone else
 * gets not_found, which hides that it exists.
 */
export async function getPurchaseOrder(ctx: UseCaseContext, actor: Actor, id: string): Promise<OrderDetail> {
  const staff = actor.organisationKind === 'manufacturer';
  if (!staff && actor.role !== 'supplier_user') throw new AppError('not_found', 'no such purchase order');
  const row = await ctx.db.get<{ id: string; po_number: string; order_date: string; version: number; currency: string; status: string; state: OrderState; supplier_organisation_id: string; supplier_name: string }>(
    `SELECT po.id, po.po_number, po.order_date, po.version, po.currency, po.status, ${orderStateSql} AS state, po.supplier_organisation_id, o.name AS supplier_name
       FROM purchase_orders po JOIN organisations o ON o.id = po.supplier_organisation_id
      WHERE po.id = ? ${staff ? '' : 'AND po.supplier_organisation_id = ?'}`,
    staff ? [id] : [id, actor.organisationId],
  );
  if (!row) throw new AppError('not_found', 'no such purchase order');
  const [lines, lots, invoiced, responses] = await Promise.all([
    ctx.db.all<{ line_number: number; gtin: string; quantity: number; unit_price: string; delivery_date: string | null; description: string | null }>(
      'SELECT pl.line_number, pl.gtin, pl.quantity, pl.unit_price, pl.delivery_date, i.description FROM purchase_order_lines pl LEFT JOIN items i ON i.gtin = pl.gtin WHERE pl.purchase_order_id = ? ORDER BY pl.line_number',
      [row.id],
    ),
    ctx.db.all<{ id: string; lot: string; quantity: number; po_line_number: number }>('SELECT id, lot, quantity, po_line_number FROM lots WHERE purchase_order_id = ? ORDER BY submitted_at, id', [row.id]),
    ctx.db.all<{ po_line_number: number; quantity: string }>(
      'SELECT il.po_line_number, il.quantity FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id WHERE i.purchase_order_id = ?',
      [row.id],
    ),
    ctx.db.all<{ id: string; document_number: string; status: ResponseStatus; source: ResponseSource; refers_to_version: number | null; note: string | null; lines: string; received_at: string; display_name: string }>(
      `SELECT d.id, d.document_number, d.status, d.source, d.refers_to_version, d.note, d.lines, d.received_at, u.display_name
         FROM edi_documents d JOIN users u ON u.id = d.received_by
        WHERE d.kind = 'purchase_order_response' AND d.refers_to_type = 'purchase_order' AND d.refers_to_id = ?
        ORDER BY d.received_at DESC, d.rowid DESC`,
      [row.id],
    ),
  ]);
  const sum = (xs: string[]) => {
    // Invoiced quantities are decimals with up to 4 places: add them as integers of 1/10,000.
    const total = xs.reduce((n, x) => n + BigInt(Math.round(Number(x) * 10_000)), 0n);
    const whole = total / 10_000n;
    const part = (total % 10_000n).toString().padStart(4, '0').replace(/0+$/, '');
    return part ? `${whole}.${part}` : String(whole);
  };
  const supplier = !staff;
  const open = row.state !== 'closed';
  return {
    order: { id: row.id, poNumber: row.po_number, orderDate: row.order_date, version: row.version, currency: row.currency, erpStatus: row.status, state: row.state, supplier: { organisationId: row.supplier_organisation_id, name: row.supplier_name } },
    lines: lines.map((l) => {
      const mine = lots.filter((x) => x.po_line_number === l.line_number);
      return {
        lineNumber: l.line_number,
        gtin: l.gtin,
        itemName: l.description ?? '',
        quantity: l.quantity,
        unitPrice: l.unit_price,
        deliveryDate: l.delivery_date,
        lots: mine.map((x) => ({ id: x.id, lot: x.lot, quantity: x.quantity })),
        delivered: mine.reduce((n, x) => n + x.quantity, 0),
        invoiced: sum(invoiced.filter((x) => x.po_line_number === l.line_number).map((x) => x.quantity)),
      };
    }),
    responses: responses.map((r) => ({ id: r.id, responseNumber: r.document_number, status: r.status, source: r.source, version: r.refers_to_version, note: r.note, lines: JSON.parse(r.lines) as ResponseLine[], receivedAt: r.received_at, by: r.display_name })),
    staff,
    permissions: {
      respond: supplier && open && respondToPurchaseOrders.allows(actor),
      submitLot: supplier && open && submitLotRecords.allows(actor),
      invoice: supplier && open && submitInvoices.allows(actor),
    },
  };
}
