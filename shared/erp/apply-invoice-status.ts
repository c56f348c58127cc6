import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { erpActor, organisationByErpId } from './erp-actor.ts';

export interface InvoiceStatusData {
  invoiceNumber: string;
  supplier: { erpId: string };
  status: string;
  reason?: string;
  paidOn?: string;
  occurredAt: string;
}

/**
 * Accounts payable's status of a supplier invoice, kept as a history of updates (the
 * e-invoice issue links them to submitted invoices; until then they stand alone).
 */
export async function applyInvoiceStatus(tx: Tx, clock: Clock, data: InvoiceStatusData, requestId?: string): Promise<Record<string, unknown>> {
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
  return { invoiceStatusUpdate: id, status: data.status };
}
