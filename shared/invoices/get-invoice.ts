import { recordHistory, type HistoryEntry } from '../audit/record-history.ts';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { invoiceScope, invoiceSelect, toInvoice, type Invoice, type InvoiceLine, type InvoiceRow } from './invoice.ts';
import type { ErpInvoiceStatus } from './invoice-states.ts';

export interface InvoiceStatusEntry {
  status: ErpInvoiceStatus;
  reason: string | null;
  paidOn: string | null;
  /** When the ERP says it happened. */
  occurredAt: string;
  receivedAt: string;
}

export interface InvoiceDetail {
  invoice: Invoice;
  lines: InvoiceLine[];
  /** The ERP's status reports for this supplier and invoice number, oldest first. */
  statuses: InvoiceStatusEntry[];
  /** The newest of `statuses` (ERP time, then arrival), or null. */
  currentStatus: InvoiceStatusEntry | null;
  /** The audit trail of the invoice (its submission and the ERP's status changes), oldest first. */
  history: HistoryEntry[];
}


/**
 * One invoice with its lines, the ERP's status timeline and its audit history. Visible to
 * the supplier that submitted it and to the manufacturer's staff; anyone else gets not_found,
 * which hides that it exists.
 */
export async function getInvoice(ctx: UseCaseContext, actor: Actor, invoiceId: string): Promise<InvoiceDetail> {
  const scope = invoiceScope(actor);
  const row = scope ? await ctx.db.get<InvoiceRow>(`${invoiceSelect} WHERE i.id = ? AND ${scope.sql}`, [invoiceId, ...scope.args]) : undefined;
  if (!row) throw new AppError('not_found', 'no such invoice');
  const invoice = toInvoice(row);
  const [lines, statuses, history] = await Promise.all([
    ctx.db.all<{ line_number: number; po_line_number: number; gtin: string; description: string; quantity: string; unit_price: string; tax_rate: string; line_net: string }>(
      'SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY line_number',
      [invoice.id],
    ),
    ctx.db.all<{ status: ErpInvoiceStatus; reason: string | null; paid_on: string | null; occurred_at: string; received_at: string }>(
      `SELECT status, reason, paid_on, occurred_at, received_at FROM invoice_status_updates
        WHERE supplier_organisation_id = ? AND invoice_number = ? ORDER BY occurred_at, received_at, rowid`,
      [invoice.supplier.organisationId, invoice.number],
    ),
    // The invoice's own entries, and the ERP's status changes, which name it by number.
    recordHistory(ctx.db, [
      { entityType: 'invoice', entityId: invoice.id },
      { entityType: 'invoice', entityId: invoice.number, organisationId: invoice.supplier.organisationId },
    ]),
  ]);
  const timeline = statuses.map((s) => ({ status: s.status, reason: s.reason, paidOn: s.paid_on, occurredAt: s.occurred_at, receivedAt: s.received_at }));
  return {
    invoice,
    lines: lines.map((l) => ({
      lineNumber: l.line_number,
      poLineNumber: l.po_line_number,
      gtin: l.gtin,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      taxRate: l.tax_rate,
      lineNet: l.line_net,
    })),
    statuses: timeline,
    currentStatus: timeline.at(-1) ?? null,
    history,
  };
}
