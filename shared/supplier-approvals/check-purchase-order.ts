import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import type { AuditActor } from '../audit/entry.ts';
import { newId } from '../ids.ts';
import { approvalFor } from './approval.ts';

/**
 * Inside the transaction that stores a purchase order from the ERP: for each item on it whose
 * supplier has an approved supplier list entry (the item's, else its category's) that is not
 * approved, QA's alert (one per order and item: a repeated or updated order raises nothing new)
 * and the purchase_order.supplier_not_approved event back to the ERP. Items without an entry
 * raise nothing. Returns the GTINs alerted now.
 */
export async function alertUnapprovedOrder(
  tx: Tx,
  clock: Clock,
  actor: AuditActor,
  order: { id: string; poNumber: string; supplierId: string; gtins: string[] },
  requestId?: string,
): Promise<string[]> {
  const alerted: string[] = [];
  for (const gtin of [...new Set(order.gtins)]) {
    const approval = await approvalFor(tx, order.supplierId, gtin);
    if (!approval || approval.status === 'approved') continue;
    const raised = await tx.run(
      `INSERT INTO purchase_order_approval_alerts (id, purchase_order_id, gtin, supplier_id, approval_id, status, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (purchase_order_id, gtin) DO NOTHING`,
      [newId('poa'), order.id, gtin, order.supplierId, approval.id, approval.status, clock.now().toISOString()],
    );
    if (raised.changes === 0) continue;
    await recordAudit(tx, clock, {
      actor,
      organisationId: order.supplierId,
      action: 'purchase_order.supplier_not_approved',
      entityType: 'purchase_order',
      entityId: order.id,
      newValues: { poNumber: order.poNumber, gtin, status: approval.status, approval: approval.id },
      requestId,
    });
    await enqueueEvent(tx, clock, {
      type: 'purchase_order.supplier_not_approved',
      aggregateType: 'purchase_order',
      aggregateId: order.id,
      organisationId: order.supplierId,
      data: { poNumber: order.poNumber, supplier: approval.supplier, gtin, status: approval.status, approvalId: approval.id },
    });
    alerted.push(gtin);
  }
  return alerted;
}
