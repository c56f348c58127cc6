import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { newId } from '../ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
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
    throw new AppError('conflict', `shipment ${data.shipmentNumber} was already recorded`, { 'data/shipmentNumber': `already recorded as ${existing.id}` });
  }
  const fields: Record<string, string> = {};
  data.lines.forEach((l, i) => {
    if (l.serials && l.serials.length > 0 && l.serials.length !== l.quantity) {
      fields[`data/lines/${i}/serials`] = `has ${l.serials.length} serials for a quantity of ${l.quantity}`;
    }
  });
  if (Object.keys(fields).length) throw new AppError('unprocessable', 'the shipment lines do not add up', fields);

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
