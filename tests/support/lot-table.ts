// The lots table around a migration that rebuilds it (0015 and 0044 widen lots.source): what
// SQLite keeps of its schema, its rows, a raw INSERT of a lot, and the supplier, user, item and
// order such lots need, written with only what those migrations' tests may rely on.
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';

export interface LotTable {
  rows: Record<string, unknown>[];
  /** Its indexes and triggers, by name. */
  schema: { type: string; name: string; sql: string }[];
  columns: unknown[];
  /** The CREATE TABLE statement SQLite keeps. */
  table: string;
}

export const allLots = (db: Db) => db.all<Record<string, unknown>>('SELECT * FROM lots ORDER BY id');
export const schemaOfLots = (db: Db) =>
  db.all<{ type: string; name: string; sql: string }>("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'lots' AND type IN ('index', 'trigger') ORDER BY name");
export const lotsTable = async (db: Db) => (await db.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'lots'"))!.sql;

export async function lotTable(db: Db): Promise<LotTable> {
  return { rows: await allLots(db), schema: await schemaOfLots(db), columns: await db.all('PRAGMA table_xinfo(lots)'), table: await lotsTable(db) };
}

/** A lot written straight into the table (GTIN 09506000888028, two serials, both dates, quantity 2). */
export function insertLot(db: Db, values: { id: string; organisationId: string; userId: string; source: string; purchaseOrderId?: string | null; poLine?: number | null; lot: string }) {
  return db.run(
    `INSERT INTO lots (id, organisation_id, purchase_order_id, po_line_number, gtin, lot, serials, manufacture_date, expiry_date, quantity, certificate_series_id, certificate_note, source, state, submitted_by, submitted_at, record_hash)
     VALUES (?, ?, ?, ?, '09506000888028', ?, '["S1","S2"]', '2026-01-05', '2028-01-05', 2, NULL, 'CoC follows', ?, 'submitted', ?, '2026-03-20T10:15:00.000Z', ?)`,
    [values.id, values.organisationId, values.purchaseOrderId ?? null, values.poLine ?? null, values.lot, values.source, values.userId, 'a'.repeat(64)],
  );
}

/** A supplier with one user, the item 09506000888028 and the order `poNumber` (line 1: 10 of it). */
export async function lotOwner(db: Db, poNumber: string): Promise<{ supplier: string; user: string; po: string }> {
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  // Only what the lots need (the demo seed is today's code and writes columns of later migrations).
  const setup = { type: 'system' as const, name: 'migration test' };
  const supplier = (await createOrganisation(ctx, setup, { name: 'Suzhou Precision', kind: 'supplier', erpId: 'V-10001' })).id;
  const user = (await addUser(ctx, setup, { email: 'supplier@mig.example', displayName: 'Supplier', password: 'migration-test-password', organisationId: supplier, role: 'supplier_user' })).id;
  // The item and the order in plain SQL on the columns of migration 0002: today's ERP use cases read
  // tables of later migrations (the approved supplier list), which a database built up to a lots
  // migration does not have yet.
  const po = `po_${poNumber}`;
  await db.transaction(async (tx) => {
    await tx.run("INSERT INTO items (gtin, description, unit_of_measure, updated_at) VALUES ('09506000888028', 'Item', 'EA', '2026-03-01T00:00:00.000Z')");
    await tx.run("INSERT INTO purchase_orders (id, po_number, supplier_organisation_id, status, currency, order_date, version, updated_at) VALUES (?, ?, ?, 'open', 'EUR', '2026-03-01', 1, '2026-03-01T00:00:00.000Z')", [po, poNumber, supplier]);
    await tx.run("INSERT INTO purchase_order_lines (purchase_order_id, line_number, gtin, quantity, unit_price) VALUES (?, 1, '09506000888028', 10, '1.00')", [po]);
  });
  return { supplier, user, po };
}
