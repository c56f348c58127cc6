// Migration 0015 (lots.source gains 'edifact') on a real SQLite file that holds lots from
// before it: the database is migrated up to 0014, lots are stored, then 0015 is applied. Asserted:
// the rows survive with every value; the columns, indexes and triggers are those of
// 0006_lots.sql exactly (compared with the schema SQLite kept from 0006); the triggers still
// refuse UPDATE and DELETE; 'edifact' is taken and an unknown source is still refused; no
// foreign key is broken.
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, tuneEmbedded, type Db } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { tempDir } from '../support/server.ts';
import { allLots as lotsOf, insertLot as insertInto, lotOwner, lotTable, lotsTable as tableOf, schemaOfLots as schemaOf, type LotTable } from '../support/lot-table.ts';

const migrations = join(import.meta.dirname, '../../migrations');
const migration = '0015_lot_source_edifact.sql';

let dir: { dir: string; remove(): void };
let db: Db;
let before: LotTable;

const schemaOfLots = () => schemaOf(db);
const allLots = () => lotsOf(db);
const lotsTable = () => tableOf(db);
const insertLot = (values: Parameters<typeof insertInto>[1]) => insertInto(db, values);

beforeAll(async () => {
  dir = tempDir('lotbridge-lot-source-');
  // The repository's migrations up to 0014, as a database made before 0015 has them.
  const upTo14 = join(dir.dir, 'migrations');
  mkdirSync(upTo14);
  // Today's code writes the setup below with the columns of later migrations (audit MACs,
  // memberships.administers…): apply every migration but 0015 first, and but the later ones that
  // touch lots (0023 indexes lots.lot): run before 0015 here, its rebuild of the table would drop them.
  const touchesLots = (f: string) => f > migration && /\bON lots\(|ALTER TABLE lots\b/.test(readFileSync(join(migrations, f), 'utf8'));
  const others = readdirSync(migrations).filter((f) => f.endsWith('.sql') && f !== migration && !touchesLots(f));
  for (const f of others) copyFileSync(join(migrations, f), join(upTo14, f));
  const url = `file:${join(dir.dir, 'lotbridge.db')}`;
  db = openDb(url);
  await tuneEmbedded(db, url);
  await migrate(db, upTo14);
  const { supplier, user, po } = await lotOwner(db, 'PO-MIG-15');
  await expect(insertLot({ id: 'lot_mig_edifact', organisationId: supplier, userId: user, source: 'edifact', lot: 'MIG-0' })).rejects.toThrow(/CHECK constraint failed/);
  for (const [i, source] of ['form', 'csv', 'barcode'].entries()) {
    await insertLot({ id: `lot_mig_${i}`, organisationId: supplier, userId: user, source, lot: `MIG-${i + 1}`, ...(i === 1 ? { purchaseOrderId: po, poLine: 1 } : {}) });
  }
  before = await lotTable(db);
  expect(before.rows.length).toBeGreaterThanOrEqual(3);

  copyFileSync(join(migrations, migration), join(upTo14, migration));
  expect(await migrate(db, upTo14)).toEqual({ applied: [migration], alreadyApplied: others.length });
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe('migration 0015: lots.source gains edifact', () => {
  it('keeps every lot with all its values', async () => {
    expect(await allLots()).toEqual(before.rows);
  });

  it('keeps the columns, and recreates every index and trigger of 0006 exactly', async () => {
    expect(await db.all('PRAGMA table_xinfo(lots)')).toEqual(before.columns);
    expect(await schemaOfLots()).toEqual(before.schema);
    expect(before.schema.map((s) => s.name)).toEqual(['lots_by_gtin_lot', 'lots_by_organisation', 'lots_by_po_line', 'lots_content_fixed', 'lots_no_delete', 'sqlite_autoindex_lots_1', 'sqlite_autoindex_lots_2']);
    const table = await lotsTable();
    // The table of 0006 to the letter (comments included), but for the widened CHECK and the name SQLite quotes on rename.
    expect(table.replace('CREATE TABLE "lots"', 'CREATE TABLE lots').replace(", 'edifact')", ')')).toBe(before.table);
    expect(table).toContain("CHECK (source IN ('form', 'csv', 'barcode', 'edifact'))");
    expect(table).toContain('CHECK ((purchase_order_id IS NULL) = (po_line_number IS NULL))');
    expect(table).toContain('UNIQUE (organisation_id, gtin, lot)');
    expect(await db.get("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'lots_new'")).toEqual({ n: 0 });
    expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
    expect(await db.all('PRAGMA foreign_key_list(lots)')).toHaveLength(3);
  });

  it('the triggers still refuse UPDATE and DELETE', async () => {
    await expect(db.run("UPDATE lots SET quantity = 3 WHERE id = 'lot_mig_0'")).rejects.toThrow(/a lot record is never edited/);
    await expect(db.run("UPDATE lots SET source = 'edifact' WHERE id = 'lot_mig_1'")).rejects.toThrow(/a lot record is never edited/);
    await expect(db.run("DELETE FROM lots WHERE id = 'lot_mig_2'")).rejects.toThrow(/DELETE refused/);
    expect(await allLots()).toEqual(before.rows);
  });

  it("takes source 'edifact' and still refuses an unknown one and a broken order reference", async () => {
    const { organisation_id: organisationId, submitted_by: userId } = before.rows[0] as { organisation_id: string; submitted_by: string };
    await insertLot({ id: 'lot_mig_edi', organisationId, userId, source: 'edifact', lot: 'MIG-EDI' });
    expect(await db.get("SELECT source FROM lots WHERE id = 'lot_mig_edi'")).toEqual({ source: 'edifact' });
    await expect(insertLot({ id: 'lot_mig_fax', organisationId, userId, source: 'fax', lot: 'MIG-FAX' })).rejects.toThrow(/CHECK constraint failed/);
    await expect(insertLot({ id: 'lot_mig_half', organisationId, userId, source: 'form', lot: 'MIG-HALF', poLine: 1 })).rejects.toThrow(/CHECK constraint failed/);
    await expect(insertLot({ id: 'lot_mig_dup', organisationId, userId, source: 'csv', lot: 'MIG-EDI' })).rejects.toThrow(/UNIQUE constraint failed/);
  });
});
