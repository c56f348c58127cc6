// Migration 0044 (lots.source gains 'api') on a real SQLite file that holds lots from before it:
// the database is migrated with every migration but 0044, lots are stored, then 0044 is applied.
// Asserted: the rows survive with every value; the columns, indexes and triggers are those from
// before exactly (0006's as 0015 made them, 0023's lots_by_lot, 0041's partial
// lots_flag_candidates); the triggers still refuse UPDATE and DELETE; 'api' is taken and an
// unknown source is still refused; no foreign key is broken.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, tuneEmbedded, type Db } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { tempDir } from '../support/server.ts';
import { allLots as lotsOf, insertLot as insertInto, lotOwner, lotTable, lotsTable as tableOf, schemaOfLots as schemaOf, type LotTable } from '../support/lot-table.ts';

const migrations = join(import.meta.dirname, '../../migrations');
const migration = '0044_lot_source_api.sql';

let dir: { dir: string; remove(): void };
let db: Db;
let before: LotTable;

const schemaOfLots = () => schemaOf(db);
const allLots = () => lotsOf(db);
const lotsTable = () => tableOf(db);
const insertLot = (values: Parameters<typeof insertInto>[1]) => insertInto(db, values);

beforeAll(async () => {
  dir = tempDir('lotbridge-lot-source-api-');
  const upTo43 = join(dir.dir, 'migrations');
  mkdirSync(upTo43);
  const others = readdirSync(migrations).filter((f) => f.endsWith('.sql') && f !== migration);
  expect(others.every((f) => f < migration), 'a migration after 0044 exists: apply it after 0044 here').toBe(true);
  for (const f of others) copyFileSync(join(migrations, f), join(upTo43, f));
  const url = `file:${join(dir.dir, 'lotbridge.db')}`;
  db = openDb(url);
  await tuneEmbedded(db, url);
  await migrate(db, upTo43);
  const { supplier, user, po } = await lotOwner(db, 'PO-MIG-44');
  await expect(insertLot({ id: 'lot_mig_api', organisationId: supplier, userId: user, source: 'api', lot: 'MIG-0' })).rejects.toThrow(/CHECK constraint failed/);
  for (const [i, source] of ['form', 'csv', 'barcode', 'edifact'].entries()) {
    await insertLot({ id: `lot_mig_${i}`, organisationId: supplier, userId: user, source, lot: `MIG-${i + 1}`, ...(i % 2 === 1 ? { purchaseOrderId: po, poLine: 1 } : {}) });
  }
  before = await lotTable(db);
  expect(before.rows.length).toBe(4);

  copyFileSync(join(migrations, migration), join(upTo43, migration));
  expect(await migrate(db, upTo43)).toEqual({ applied: [migration], alreadyApplied: others.length });
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe('migration 0044: lots.source gains api', () => {
  it('keeps every lot with all its values', async () => {
    expect(await allLots()).toEqual(before.rows);
  });

  it('keeps the columns, and recreates every index and trigger exactly', async () => {
    expect(await db.all('PRAGMA table_xinfo(lots)')).toEqual(before.columns);
    expect(await schemaOfLots()).toEqual(before.schema);
    expect(before.schema.map((s) => s.name)).toEqual([
      'lots_by_gtin_lot',
      'lots_by_lot',
      'lots_by_organisation',
      'lots_by_po_line',
      'lots_content_fixed',
      'lots_flag_candidates',
      'lots_no_delete',
      'sqlite_autoindex_lots_1',
      'sqlite_autoindex_lots_2',
    ]);
    const table = await lotsTable();
    // The table from before to the letter (comments included), but for the widened CHECK.
    expect(table.replace(", 'api')", ')')).toBe(before.table);
    expect(table).toContain("CHECK (source IN ('form', 'csv', 'barcode', 'edifact', 'api'))");
    expect(table).toContain('CHECK ((purchase_order_id IS NULL) = (po_line_number IS NULL))');
    expect(table).toContain('UNIQUE (organisation_id, gtin, lot)');
    expect(await db.get("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'lots_new'")).toEqual({ n: 0 });
    expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
    expect(await db.all('PRAGMA foreign_key_list(lots)')).toHaveLength(3);
  });

  it('the triggers still refuse UPDATE and DELETE', async () => {
    await expect(db.run("UPDATE lots SET quantity = 3 WHERE id = 'lot_mig_0'")).rejects.toThrow(/a lot record is never edited/);
    await expect(db.run("UPDATE lots SET source = 'api' WHERE id = 'lot_mig_1'")).rejects.toThrow(/a lot record is never edited/);
    await expect(db.run("DELETE FROM lots WHERE id = 'lot_mig_2'")).rejects.toThrow(/DELETE refused/);
    expect(await allLots()).toEqual(before.rows);
  });

  it('the flagged-lots query still reads the partial index', async () => {
    const plan = await db.all<{ detail: string }>(
      "EXPLAIN QUERY PLAN SELECT id FROM lots WHERE organisation_id = ? AND (purchase_order_id IS NOT NULL OR certificate_series_id IS NOT NULL) ORDER BY submitted_at DESC",
      ['x'],
    );
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/lots_flag_candidates/);
  });

  it("takes source 'api' and still refuses an unknown one and a broken order reference", async () => {
    const { organisation_id: organisationId, submitted_by: userId } = before.rows[0] as { organisation_id: string; submitted_by: string };
    await insertLot({ id: 'lot_mig_api', organisationId, userId, source: 'api', lot: 'MIG-API' });
    expect(await db.get("SELECT source FROM lots WHERE id = 'lot_mig_api'")).toEqual({ source: 'api' });
    await expect(insertLot({ id: 'lot_mig_fax', organisationId, userId, source: 'fax', lot: 'MIG-FAX' })).rejects.toThrow(/CHECK constraint failed/);
    await expect(insertLot({ id: 'lot_mig_half', organisationId, userId, source: 'form', lot: 'MIG-HALF', poLine: 1 })).rejects.toThrow(/CHECK constraint failed/);
    await expect(insertLot({ id: 'lot_mig_dup', organisationId, userId, source: 'csv', lot: 'MIG-API' })).rejects.toThrow(/UNIQUE constraint failed/);
  });
});
