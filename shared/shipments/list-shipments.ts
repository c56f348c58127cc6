import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { readShipments } from './shipment-permissions.ts';

/** What the list can be ordered by: both are set on every shipment, so (key, id) is a total order. */
export const shipmentSorts = ['dispatchedAt', 'recordedAt'] as const;
export type ShipmentSort = (typeof shipmentSorts)[number];

export interface ShipmentQuery {
  /** Shipments with a line of this GTIN (any GTIN form; compared as GTIN-14). */
  gtin?: string;
  /** Shipments with a line of this lot. */
  lot?: string;
  /** Default dispatchedAt, descending unless `order` is asc; ties by shipment id the same way. */
  sort?: ShipmentSort;
  order?: 'asc' | 'desc';
  /** 1–200, default 50. */
  limit?: number;
  /** Keyset paging: the rows after this (sort key, shipment id) in the list's order. */
  after?: { key: string; id: string };
}

export interface ShipmentItem {
  id: string;
  shipmentNumber: string;
  distributor: { id: string; name: string };
  dispatchedAt: string;
  /** When the ERP's shipment.dispatched was recorded here. */
  recordedAt: string;
  lines: number;
  units: number;
}

export interface ShipmentList {
  items: ShipmentItem[];
  /** The (sort key, id) of the last row when more rows follow it; else null. */
  next: { key: string; id: string } | null;
}

/**
 * Shipments as the ERP reported them (the trace base of recalls), newest dispatch first. A
 * distributor's user sees only the shipments to its organisation; manufacturer staff see all.
 * Suppliers are refused: their despatches are lots.
 */
export async function listShipments(ctx: UseCaseContext, actor: Actor, query: ShipmentQuery = {}): Promise<ShipmentList> {
  readShipments.require(actor);
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (actor.organisationKind !== 'manufacturer') {
    where.push('s.distributor_organisation_id = ?');
    args.push(actor.organisationId);
  }
  const gtin = query.gtin?.trim() ? toGtin14(query.gtin.trim()) : undefined;
  const lot = query.lot?.trim() || undefined;
  if (gtin || lot) {
    where.push(`EXISTS (SELECT 1 FROM shipment_lines l WHERE l.shipment_id = s.id${gtin ? ' AND l.gtin = ?' : ''}${lot ? ' AND l.lot = ?' : ''})`);
    if (gtin) args.push(gtin);
    if (lot) args.push(lot);
  }
  const column = query.sort === 'recordedAt' ? 's.received_at' : 's.dispatched_at';
  const dir = query.order === 'asc' ? 'ASC' : 'DESC';
  if (query.after) {
    where.push(`(${column}, s.id) ${dir === 'ASC' ? '>' : '<'} (?, ?)`);
    args.push(query.after.key, query.after.id);
  }
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 200);
  const rows = await ctx.db.all<{ id: string; shipment_number: string; org: string; name: string; dispatched_at: string; received_at: string; lines: number; units: number }>(
    `WITH page AS (
       SELECT s.id, s.shipment_number, s.distributor_organisation_id AS org, s.dispatched_at, s.received_at
         FROM shipments s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${column} ${dir}, s.id ${dir}
        LIMIT ?)
     SELECT page.*, o.name, (SELECT COUNT(*) FROM shipment_lines l WHERE l.shipment_id = page.id) AS lines,
            (SELECT ifnull(SUM(quantity), 0) FROM shipment_lines l WHERE l.shipment_id = page.id) AS units
       FROM page JOIN organisations o ON o.id = page.org
      ORDER BY ${column.replace('s.', 'page.')} ${dir}, page.id ${dir}`,
    [...args, limit + 1],
  );
  const more = rows.length > limit;
  if (more) rows.pop();
  const last = rows.at(-1);
  return {
    items: rows.map((r) => ({ id: r.id, shipmentNumber: r.shipment_number, distributor: { id: r.org, name: r.name }, dispatchedAt: r.dispatched_at, recordedAt: r.received_at, lines: r.lines, units: r.units })),
    next: more && last ? { key: query.sort === 'recordedAt' ? last.received_at : last.dispatched_at, id: last.id } : null,
  };
}
