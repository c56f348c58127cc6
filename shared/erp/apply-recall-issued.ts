import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { erpActor } from './erp-actor.ts';
import { resolveConsignees, type RecalledProduct } from '../recalls/resolve-consignees.ts';

export interface RecallIssuedData {
  recallNumber: string;
  issuedAt: string;
  reason: string;
  products: RecalledProduct[];
  [more: string]: unknown;
}

/**
 * A recall from the ERP, stored as issued, with its consignees resolved from the shipment
 * records in the same transaction: the recall never exists without them.
 */
export async function applyRecallIssued(tx: Tx, clock: Clock, data: RecallIssuedData, requestId?: string): Promise<Record<string, unknown>> {
  const existing = await tx.get<{ id: string }>('SELECT id FROM recalls WHERE recall_number = ?', [data.recallNumber]);
  if (existing) throw new AppError('conflict', `recall ${data.recallNumber} was already issued`, { 'data/recallNumber': `already recorded as ${existing.id}` });
  const id = newId('rcl');
  await tx.run('INSERT INTO recalls (id, recall_number, source, state, payload, issued_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    id,
    data.recallNumber,
    'erp',
    'received',
    JSON.stringify(data),
    data.issuedAt,
    clock.now().toISOString(),
  ]);
  await recordAudit(tx, clock, {
    actor: erpActor,
    organisationId: null,
    action: 'recall.issued',
    entityType: 'recall',
    entityId: id,
    newValues: { recallNumber: data.recallNumber, reason: data.reason, products: data.products.length },
    requestId,
  });
  const resolved = await resolveConsignees(tx, clock, { recallId: id, products: data.products, actor: erpActor, requestId });
  return { recall: id, consignees: resolved.consignees, lines: resolved.lines };
}
