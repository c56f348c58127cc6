import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { erpActor, organisationByErpId } from './erp-actor.ts';
import { queueSubmissionMails } from '../mail/queue-submission-mails.ts';
import { translate } from '../i18n/index.ts';
import type { ApplyOptions } from './receive-erp-event.ts';
import { enqueuePartnerEvents } from '../outbox/enqueue-partner-events.ts';

export interface InvoiceStatusData {
  invoiceNumber: string;
  supplier: { erpId: string };
  status: string;
  reason?: string;
  paidOn?: string;
  occurredAt: string;
}

/**
 * Accounts payable's status of a supplier invoice, kept as a history of updates (keyed by
 * supplier and invoice number: the ERP may report on invoices that came in by another door).
 * A dispute or a payment is mailed to the supplier's users who keep those mails on, in the
 * same transaction.
 */
export async function applyInvoiceStatus(tx: Tx, clock: Clock, data: InvoiceStatusData, requestId?: string, options: ApplyOptions = {}): Promise<Record<string, unknown>> {
  const supplierId = await organisationByErpId(tx, data.supplier.erpId, 'supplier', 'data/supplier/erpId');
  const id = newId('ist');
  await tx.run(
    `INSERT INTO invoice_status_updates (id, invoice_number, supplier_organisation_id, status, reason, paid_on, occurred_at, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, data.invoiceNumber, supplierId, data.status, data.reason ?? null, data.paidOn ?? null, data.occurredAt, clock.now().toISOString()],
  );
  await recordAudit(tx, clock, {
    actor: erpActor,
    organisationId: supplierId,
    action: 'invoice.status_changed',
    entityType: 'invoice',
    entityId: data.invoiceNumber,
    newValues: { status: data.status, reason: data.reason, paidOn: data.paidOn },
    requestId,
  });
  const invoice = await tx.get<{ id: string }>('SELECT id FROM invoices WHERE organisation_id = ? AND invoice_number = ?', [supplierId, data.invoiceNumber]);
  // The ERP reported it: the supplier's own webhook endpoints hear of it (partner-only, never echoed to the ERP).
  await enqueuePartnerEvents(tx, clock, [
    {
      type: 'invoice.status_changed',
      aggregateType: 'invoice_status',
      aggregateId: `${supplierId}:${data.invoiceNumber}`,
      organisationId: supplierId,
      data: { invoiceId: invoice?.id ?? null, invoiceNumber: data.invoiceNumber, status: data.status, reason: data.reason, paidOn: data.paidOn, occurredAt: data.occurredAt },
    },
  ]);
  if (data.status === 'disputed' || data.status === 'paid') {
    await queueSubmissionMails(tx, clock, {
      purpose: `invoice.${data.status}`,
      organisationId: supplierId,
      entity: { type: 'invoice', id: invoice?.id ?? data.invoiceNumber },
      params: (locale) => ({
        number: data.invoiceNumber,
        date: data.status === 'paid' && data.paidOn ? data.paidOn : data.occurredAt.slice(0, 16).replace('T', ' '),
        reason: data.reason || translate(locale, 'supplierMail.noReason'),
      }),
      path: invoice ? `/invoices/${invoice.id}` : undefined,
      portalUrl: options.portalUrl,
    });
  }
  return { invoiceStatusUpdate: id, status: data.status };
}
