import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { AuditActor } from '../audit/entry.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { toGtin14 } from '../gs1/gtin.ts';

/** One affected product of a recall, as recall.issued carries it. */
export interface RecalledProduct {
  gtin: string;
  lots?: string[];
  serials?: string[];
  expiryFrom?: string;
  expiryTo?: string;
}

export interface ResolvedConsignees {
  /** Distributors that received at least one affected unit. */
  consignees: number;
  /** recall_consignees rows written: one per distributor and affected (GTIN, lot). */
  lines: number;
  /** Affected units shipped, over all consignees. */
  units: number;
}

// Set-based: the products go in as one JSON parameter and a single INSERT … SELECT finds the
// affected shipment lines through the indexes on shipment_lines (gtin, lot, …) and (gtin,
// expiry_date), then sums them per distributor and (GTIN, lot). CROSS JOIN fixes SQLite's join
// order (products first, then the index); left to itself the planner may scan shipment_lines.
// The lot index carries shipment, quantity and serials and the shipments index the
// distributor (migration 0042), so a lot's lines are read from the indexes alone: at 10 M lines
// a lookup per line in the tables was most of the time. The matched lines carry those columns
// on, not just their rowids (no second lookup per line). The lines of the listed lots (distinct
// pairs) are each found once and need no de-duplication: only the lines an expiry range or a
// whole GTIN adds, and no listed lot already counts, go through a UNION (sorting 400,000 rowids
// was a third of the statement). A (distributor, GTIN, lot)'s serials are joined in the same
// GROUP BY as its quantity (their JSON arrays' items, comma-joined), not in a second pass.
// A serial list is matched against the serialised lines of its GTIN (no serial index yet).
//
// A line is affected as a whole when its lot is listed, when its expiry date lies in the
// product's range (both bounds inclusive; a line without an expiry date never matches a
// range), or when the product names its GTIN with no lot, serial or expiry criterion (every
// unit of that GTIN). Otherwise only the units whose serial is listed count (one unit each),
// so a line of 50 serials with one recalled counts 1. A line matched both ways counts once.
const resolveSql = `
WITH products AS (
  SELECT p.value ->> '$.gtin' AS gtin,
         p.value -> '$.lots' AS lots,
         p.value -> '$.serials' AS serials,
         p.value ->> '$.expiryFrom' AS expiry_from,
         p.value ->> '$.expiryTo' AS expiry_to
  FROM json_each(?) AS p
),
recalled_lots(gtin, lot) AS (
  SELECT DISTINCT p.gtin, recalled.value
  FROM products AS p
  CROSS JOIN json_each(p.lots) AS recalled
),
whole_lines(line, shipment_id, gtin, lot, quantity, serials) AS (
  SELECT l.rowid, l.shipment_id, l.gtin, l.lot, l.quantity, l.serials
  FROM recalled_lots AS r
  CROSS JOIN shipment_lines AS l ON l.gtin = r.gtin AND l.lot = r.lot
  UNION ALL
  SELECT m.line, m.shipment_id, m.gtin, m.lot, m.quantity, m.serials
  FROM (
    SELECT l.rowid AS line, l.shipment_id, l.gtin, l.lot, l.quantity, l.serials
    FROM products AS p
    CROSS JOIN shipment_lines AS l
      ON l.gtin = p.gtin
     AND l.expiry_date IS NOT NULL
     AND l.expiry_date >= coalesce(p.expiry_from, '')
     AND l.expiry_date <= coalesce(p.expiry_to, '9999-12-31')
    WHERE p.expiry_from IS NOT NULL OR p.expiry_to IS NOT NULL
    UNION
    SELECT l.rowid, l.shipment_id, l.gtin, l.lot, l.quantity, l.serials
    FROM products AS p
    CROSS JOIN shipment_lines AS l ON l.gtin = p.gtin
    WHERE p.lots IS NULL AND p.serials IS NULL AND p.expiry_from IS NULL AND p.expiry_to IS NULL
  ) AS m
  WHERE NOT EXISTS (SELECT 1 FROM recalled_lots AS r WHERE r.gtin = m.gtin AND r.lot = m.lot)
),
serial_units(line, serial) AS (
  SELECT DISTINCT l.rowid, shipped.value
  FROM products AS p
  CROSS JOIN json_each(p.serials) AS recalled
  CROSS JOIN shipment_lines AS l INDEXED BY shipment_lines_by_gtin_lot ON l.gtin = p.gtin
  CROSS JOIN json_each(l.serials) AS shipped ON shipped.value = recalled.value
  WHERE p.serials IS NOT NULL AND l.serials != '[]' AND l.rowid NOT IN (SELECT line FROM whole_lines)
),
affected(distributor, gtin, lot, quantity, serials) AS (
  SELECT s.distributor_organisation_id, w.gtin, w.lot, w.quantity, w.serials
  FROM whole_lines AS w
  CROSS JOIN shipments AS s INDEXED BY shipments_distributor_by_id ON s.id = w.shipment_id
  UNION ALL
  SELECT s.distributor_organisation_id, l.gtin, l.lot, COUNT(*), json_group_array(u.serial)
  FROM serial_units AS u
  CROSS JOIN shipment_lines AS l ON l.rowid = u.line
  CROSS JOIN shipments AS s INDEXED BY shipments_distributor_by_id ON s.id = l.shipment_id
  GROUP BY u.line
),
by_lot AS (
  SELECT distributor, gtin, lot, SUM(quantity) AS quantity,
         json('[' || ifnull(group_concat(CASE WHEN serials != '[]' AND json_array_length(serials) > 0 THEN substr(json(serials), 2, length(json(serials)) - 2) END, ','), '') || ']') AS serials
  FROM affected
  GROUP BY 1, 2, 3
)
INSERT INTO recall_consignees (recall_id, distributor_organisation_id, gtin, lot, quantity_shipped, serials, source, added_at)
SELECT ?, b.distributor, b.gtin, b.lot, b.quantity, b.serials, 'shipments', ?
FROM by_lot AS b
WHERE true
ON CONFLICT DO NOTHING
`;

/**
 * Resolves a recall's consignees from the shipment records: every distributor that received an
 * affected unit, with the quantity (and serials) shipped per affected GTIN and lot. Runs in the
 * caller's transaction (the recall's own), writes recall_consignees (source 'shipments') and
 * one audit entry with the totals. Rows already there (added by hand) are kept as they are.
 */
export async function resolveConsignees(
  tx: Tx,
  clock: Clock,
  input: { recallId: string; products: RecalledProduct[]; actor: AuditActor; requestId?: string },
): Promise<ResolvedConsignees> {
  const products = input.products.map((p) => ({ ...p, gtin: toGtin14(p.gtin) }));
  const now = clock.now().toISOString();
  const written = await tx.run(resolveSql, [JSON.stringify(products), input.recallId, now]);
  const totals = await tx.get<{ consignees: number; units: number | null }>(
    "SELECT COUNT(DISTINCT distributor_organisation_id) AS consignees, SUM(quantity_shipped) AS units FROM recall_consignees WHERE recall_id = ? AND source = 'shipments'",
    [input.recallId],
  );
  const result: ResolvedConsignees = { consignees: totals?.consignees ?? 0, lines: written.changes, units: totals?.units ?? 0 };
  await recordAudit(tx, clock, {
    actor: input.actor,
    organisationId: null,
    action: 'recall.consignees_resolved',
    entityType: 'recall',
    entityId: input.recallId,
    newValues: { ...result, products: products.length },
    requestId: input.requestId,
  });
  return result;
}
