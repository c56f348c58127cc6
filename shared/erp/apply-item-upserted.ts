import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { erpActor } from './erp-actor.ts';

export interface ItemUpserted {
  gtin: string;
  erpItemId?: string;
  description: string;
  unitOfMeasure: string;
  deviceClass?: string;
  /** The name the device is sold under and its model or size, printed on recall notices (21 CFR 7.49(c)(1)(ii)). */
  tradeName?: string;
  model?: string;
}

/** GTIN master data from the ERP: created or replaced, the old values kept in the audit trail. */
export async function applyItemUpserted(tx: Tx, clock: Clock, data: ItemUpserted, requestId?: string): Promise<Record<string, unknown>> {
  const gtin = toGtin14(data.gtin);
  const before = await tx.get<Record<string, unknown>>('SELECT erp_item_id, description, unit_of_measure, device_class, trade_name, model FROM items WHERE gtin = ?', [gtin]);
  const after = { erp_item_id: data.erpItemId ?? null, description: data.description, unit_of_measure: data.unitOfMeasure, device_class: data.deviceClass ?? null, trade_name: data.tradeName ?? null, model: data.model ?? null };
  await tx.run(
    `INSERT INTO items (gtin, erp_item_id, description, unit_of_measure, device_class, trade_name, model, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (gtin) DO UPDATE SET erp_item_id = excluded.erp_item_id, description = excluded.description,
       unit_of_measure = excluded.unit_of_measure, device_class = excluded.device_class, trade_name = excluded.trade_name, model = excluded.model, updated_at = excluded.updated_at`,
    [gtin, after.erp_item_id, after.description, after.unit_of_measure, after.device_class, after.trade_name, after.model, clock.now().toISOString()],
  );
  await recordAudit(tx, clock, {
    actor: erpActor,
    organisationId: null,
    action: before ? 'item.updated' : 'item.created',
    entityType: 'item',
    entityId: gtin,
    oldValues: before,
    newValues: after,
    requestId,
  });
  return { item: gtin, created: !before };
}
