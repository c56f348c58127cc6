import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { newId } from '../ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal } from '../errors.ts';
import { erpActor, organisationByErpId } from './erp-actor.ts';
import { alertUnapprovedOrder } from '../supplier-approvals/check-purchase-order.ts';

export interface PurchaseOrderData {
  poNumber: string;
  supplier: { erpId: string };
  status: string;
  currency: string;
  orderDate: string;
  version: number;
  lines: { lineNumber: number; gtin: string; quantity: number; unitPrice: string; deliveryDate?: string }[];
}

/**
 * A purchase order as the ERP holds it now (created or updated: the whole order each time).
 * Versions only move forward: an event older than the stored version changes nothing, so
 * events arriving out of order cannot roll an order back.
 */
export async function applyPurchaseOrder(tx: Tx, clock: Clock, data: PurchaseOrderData, requestId?: string): Promise<Record<string, unknown>> {
  const supplierId = await organisationByErpId(tx, data.supplier.erpId, 'supplier', 'data/supplier/erpId');
  const existing = await tx.get<{ id: string; version: number; status: string; supplier_organisation_id: string }>(
    'SELECT id, version, status, supplier_organisation_id FROM purchase_orders WHERE po_number = ?',
    [data.poNumber],
  );
  if (existing && existing.version >= data.version) {
    return { purchaseOrder: existing.id, ignored: `stored version ${existing.version} is not older than ${data.version}` };
  }
  const lineNumbers = new Set(data.lines.map((l) => l.lineNumber));
  if (lineNumbers.size !== data.lines.length) {
    throw refusal('unprocessable', 'line numbers repeat', { 'data/lines': problem('erp.lineNumbersRepeat') });
  }
  const id = existing?.id ?? newId('po');
  const now = clock.now().toISOString();
  if (existing) {
    await tx.run('UPDATE purchase_orders SET supplier_organisation_id = ?, status = ?, currency = ?, order_date = ?, version = ?, updated_at = ? WHERE id = ?', [
      supplierId,
      data.status,
      data.currency,
      data.orderDate,
      data.version,
      now,
      id,
    ]);
    await tx.run('DELETE FROM purchase_order_lines WHERE purchase_order_id = ?', [id]);
  } else {
    await tx.run(
      'INSERT INTO purchase_orders (id, po_number, supplier_organisation_id, status, currency, order_date, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [id, data.poNumber, supplierId, data.status, data.currency, data.orderDate, data.version, now],
    );
  }
  for (const l of data.lines) {
    await tx.run(
      'INSERT INTO purchase_order_lines (purchase_order_id, line_number, gtin, quantity, unit_price, delivery_date) VALUES (?, ?, ?, ?, ?, ?)',
      [id, l.lineNumber, toGtin14(l.gtin), l.quantity, l.unitPrice, l.deliveryDate ?? null],
    );
  }
  await recordAudit(tx, clock, {
    actor: erpActor,
    organisationId: supplierId,
    action: existing ? 'purchase_order.updated' : 'purchase_order.created',
    entityType: 'purchase_order',
    entityId: id,
    oldValues: existing ? { version: existing.version, status: existing.status } : undefined,
    newValues: { poNumber: data.poNumber, version: data.version, status: data.status, lines: data.lines.length },
    requestId,
  });
  // The approved supplier list: items this supplier is not approved for alert QA and the ERP.
  const notApproved = await alertUnapprovedOrder(tx, clock, erpActor, { id, poNumber: data.poNumber, supplierId, gtins: data.lines.map((l) => toGtin14(l.gtin)) }, requestId);
  return { purchaseOrder: id, version: data.version, ...(notApproved.length ? { supplierNotApproved: notApproved } : {}) };
}
