// What an item (a product the ERP knows, by GTIN-14) is to a partner, and who may see which.
import type { Actor } from '../auth/actor.ts';

export interface Item {
  gtin: string;
  description: string;
  unitOfMeasure: string;
  /** The device class, e.g. "II" (EU MDR / NMPA); null when the ERP gives none. */
  deviceClass: string | null;
  tradeName: string | null;
  model: string | null;
  updatedAt: string;
}

export interface ItemRow {
  gtin: string;
  description: string;
  unit_of_measure: string;
  device_class: string | null;
  trade_name: string | null;
  model: string | null;
  updated_at: string;
}

export const itemColumns = 'i.gtin, i.description, i.unit_of_measure, i.device_class, i.trade_name, i.model, i.updated_at';

export function toItem(r: ItemRow): Item {
  return { gtin: r.gtin, description: r.description, unitOfMeasure: r.unit_of_measure, deviceClass: r.device_class, tradeName: r.trade_name, model: r.model, updatedAt: r.updated_at };
}

/**
 * Who may see an item, as the search finds them: a supplier the GTINs on its purchase orders or
 * its lots, a distributor the GTINs on the shipments to it, the manufacturer's staff every item.
 * A SQL condition over `items i` plus its arguments.
 */
export function itemScope(actor: Actor): { sql: string; args: string[] } {
  switch (actor.role) {
    case 'manufacturer_qa':
    case 'manufacturer_admin':
      return { sql: '1 = 1', args: [] };
    case 'supplier_user':
      return {
        sql: `(EXISTS (SELECT 1 FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.purchase_order_id WHERE pl.gtin = i.gtin AND po.supplier_organisation_id = ?)
               OR EXISTS (SELECT 1 FROM lots l WHERE l.gtin = i.gtin AND l.organisation_id = ?))`,
        args: [actor.organisationId, actor.organisationId],
      };
    case 'distributor_user':
      return {
        sql: 'EXISTS (SELECT 1 FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id WHERE sl.gtin = i.gtin AND s.distributor_organisation_id = ?)',
        args: [actor.organisationId],
      };
  }
}
