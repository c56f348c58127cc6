import { recordHash } from '../signatures/record-hash.ts';

/** One shipment line as stored (serials as the JSON array text of the column). */
export interface ShipmentLineRecord {
  lineNumber: number;
  gtin: string;
  lot: string | null;
  serials: string[];
  quantity: number;
  expiryDate: string | null;
}

/**
 * The record hash of a shipment as the ERP reported it: the trace base a recall's consignees
 * are computed from, so a changed quantity or a removed line shows (21 CFR 11.10(c)).
 */
export function shipmentRecordHash(s: {
  id: string;
  shipmentNumber: string;
  distributorOrganisationId: string;
  dispatchedAt: string;
  receivedAt: string;
  lines: ShipmentLineRecord[];
}): string {
  return recordHash({
    kind: 'lotbridge/shipment/v1',
    shipment: s.id,
    number: s.shipmentNumber,
    distributor: s.distributorOrganisationId,
    dispatchedAt: s.dispatchedAt,
    receivedAt: s.receivedAt,
    lines: [...s.lines]
      .sort((a, b) => a.lineNumber - b.lineNumber)
      .map((l) => ({ line: l.lineNumber, gtin: l.gtin, lot: l.lot, serials: l.serials, quantity: l.quantity, expiryDate: l.expiryDate })),
  });
}
