import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { newId } from '../ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { erpActor, organisationByErpId } from './erp-actor.ts';
import { shipmentRecordHash } from './shipment-record.ts';

export interface ShipmentData {
  shipmentNumber: string;
  distributor: { erpId: string };
  dispatchedAt: string;
  lines: { gtin: string; lot?: string; serials?: string[]; quantity: number; expiryDate?: string }[];
}

/** A shipment to a distributor, line by line (GTIN, lot, serials): what a recall traces. */
export async function applyShipmentDispatched(tx: Tx, clock: Clock, data: ShipmentData, requestId?: string): Promise<Record<string, unknown>> {
  const distributorId = await organisationByErpId(tx, data.distributor.erpId, 'distributor', 'data/distributor/erpId');
  const existing = await tx.get<{ id: string }>('SELECT id FROM shipments WHERE shipment_number = ?', [data.shipmentNumber]);
  if (existing) {
    throw refusal('conflict', `shipment ${data.shipmentNumber} was already recorded`, { 'data/shipmentNumber': problem('erp.alreadyRecorded', { id: existing.id }) });
  }
  const problems: Problems = {};
  data.lines.forEach((l, i) => {
    if (l.serials && l.serials.length > 0 && l.serials.length !== l.quantity) {
      problems[`data/lines/${i}/serials`] = problem('erp.serialCount', { serials: l.serials.length, quantity: l.quantity });
    }
  });
  if (Object.keys(problems).length) throw refusal('unprocessable', 'the shipment lines do not add up', problems);

  const id = newId('shp');
  const receivedAt = clock.now().toISOString();
  const lines = data.lines.map((l, i) => ({
    lineNumber: i + 1,
    gtin: toGtin14(l.gtin),
    lot: l.lot ?? null,
    serials: l.serials ?? [],
    quantity: l.quantity,
    expiryDate: l.expiryDate ?? null,
  }));
  const hash = shipmentRecordHash({ id, shipmentNumber: data.shipmentNumber, distributorOrganisationId: distributorId, dispatchedAt: data.dispatchedAt, receivedAt, lines });
  await tx.run('INSERT INTO shipments (id, shipment_number, distributor_organisation_id, dispatched_at, received_at, record_hash) VALUES (?, ?, ?, ?, ?, ?)', [
    id,
    data.shipmentNumber,
    distributorId,
    data.dispatchedAt,
    receivedAt,
    hash,
  ]);
  let units = 0;
  for (const l of lines) {
    units += l.quantity;
    await tx.run(
      'INSERT INTO shipment_lines (shipment_id, line_number, gtin, lot, serials, quantity, expiry_date) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, l.lineNumber, l.gtin, l.lot, JSON.stringify(l.serials), l.quantity, l.expiryDate],
    );
  }
  await recordAudit(tx, clock, {
    actor: erpActor,
    organisationId: distributorId,
    action: 'shipment.dispatched',
    entityType: 'shipment',
    entityId: id,
    newValues: { shipmentNumber: data.shipmentNumber, lines: data.lines.length, units, recordHash: hash },
    requestId,
  });
  return { shipment: id, lines: data.lines.length, units };
}
