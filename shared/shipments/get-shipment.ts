import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { readShipments } from './shipment-permissions.ts';
import type { ShipmentItem } from './list-shipments.ts';

export interface ShipmentView extends Omit<ShipmentItem, 'lines'> {
  lines: { lineNumber: number; gtin: string; lot: string | null; serials: string[]; quantity: number; expiryDate: string | null }[];
}

/**
 * One shipment with its lines, as the ERP reported it. A distributor's user sees only the
 * shipments to its organisation: another's is `not_found`, like one that does not exist.
 */
export async function getShipment(ctx: UseCaseContext, actor: Actor, shipmentId: string): Promise<ShipmentView> {
  readShipments.require(actor);
  const s = await ctx.db.get<{ id: string; shipment_number: string; org: string; name: string; dispatched_at: string; received_at: string }>(
    `SELECT s.id, s.shipment_number, s.distributor_organisation_id AS org, o.name, s.dispatched_at, s.received_at
       FROM shipments s JOIN organisations o ON o.id = s.distributor_organisation_id WHERE s.id = ?`,
    [shipmentId],
  );
  if (!s || (actor.organisationKind !== 'manufacturer' && s.org !== actor.organisationId)) throw new AppError('not_found', 'no such shipment');
  const lines = await ctx.db.all<{ line_number: number; gtin: string; lot: string | null; serials: string; quantity: number; expiry_date: string | null }>(
    'SELECT line_number, gtin, lot, serials, quantity, expiry_date FROM shipment_lines WHERE shipment_id = ? ORDER BY line_number',
    [s.id],
  );
  return {
    id: s.id,
    shipmentNumber: s.shipment_number,
    distributor: { id: s.org, name: s.name },
    dispatchedAt: s.dispatched_at,
    recordedAt: s.received_at,
    units: lines.reduce((n, l) => n + l.quantity, 0),
    lines: lines.map((l) => ({ lineNumber: l.line_number, gtin: l.gtin, lot: l.lot, serials: JSON.parse(l.serials) as string[], quantity: l.quantity, expiryDate: l.expiry_date })),
  };
}
