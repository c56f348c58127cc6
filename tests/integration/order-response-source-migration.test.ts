// Migration 0045 (edi_documents.source gains 'api') on a real SQLite file that holds answers
// from before it: every migration but 0045 is applied, a portal answer (through the use case)
// and an EDI ORDRSP answer (with its interchange) are stored, then 0045 is applied. Asserted:
// the rows survive with every value; the columns, indexes and triggers are those of
// 0025_purchase_order_responses.sql exactly; the triggers still refuse UPDATE and DELETE;
// 'api' is taken (without an interchange, like 'portal'), an unknown source and an API answer
// with an interchange are still refused; no foreign key is broken.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, tuneEmbedded, type Db } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { respondToPurchaseOrder } from '../../shared/orders/respond-to-purchase-order.ts';
import { actorFor } from '../support/actors.ts';
import { tempDir } from '../support/server.ts';

const migrations = join(import.meta.dirname, '../../migrations');
const migration = '0045_order_response_source_api.sql';
const gtin = '09506000888028';

let dir: { dir: string; remove(): void };
let db: Db;
let organisationId: string;
let userId: string;
let before: { rows: Record<string, unknown>[]; schema: { type: string; name: string; sql: string }[]; columns: unknown[]; table: string };

const schemaOfDocuments = () => db.all<{ type: string; name: string; sql: string }>("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'edi_documents' AND type IN ('index', 'trigger') ORDER BY name");
const allDocuments = () => db.all<Record<string, unknown>>('SELECT * FROM edi_documents ORDER BY id');
const documentsTable = async () => (await db.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'edi_documents'"))!.sql;

function insertAnswer(id: string, source: string, interchange: string | null = null) {
  return db.run(
    `INSERT INTO edi_documents (id, kind, organisation_id, document_number, refers_to_type, refers_to_id, refers_to_version, status, lines, source, interchange_id, message_reference, received_by, received_at)
     VALUES (?, 'purchase_order_response', ?, ?, 'purchase_order', 'po_x', 1, 'accepted', '[]', ?, ?, ?, ?, '2026-03-21T10:00:00.000Z')`,
    [id, organisationId, `R-${id}`, source, interchange, interchange ? '1' : null, userId],
  );
}

beforeAll(async () => {
  dir = tempDir('lotbridge-response-source-');
  const upTo44 = join(dir.dir, 'migrations');
  mkdirSync(upTo44);
  const others = readdirSync(migrations).filter((f) => f.endsWith('.sql') && f !== migration);
  for (const f of others) copyFileSync(join(migrations, f), join(upTo44, f));
  const url = `file:${join(dir.dir, 'lotbridge.db')}`;
  db = openDb(url);
  await tuneEmbedded(db, url);
  await migrate(db, upTo44);
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  const setup = { type: 'system' as const, name: 'migration test' };
  organisationId = (await createOrganisation(ctx, setup, { name: 'Suzhou Precision', kind: 'supplier', erpId: 'V-10001' })).id;
  userId = (await addUser(ctx, setup, { email: 'supplier@mig45.example', displayName: 'Supplier', password: 'migration-test-password', organisationId, role: 'supplier_user' })).id;
  await db.transaction(async (tx) => {
    await applyItemUpserted(tx, systemClock, { gtin, description: 'Item', unitOfMeasure: 'EA' });
    await applyPurchaseOrder(tx, systemClock, { poNumber: 'PO-MIG-45', supplier: { erpId: 'V-10001' }, status: 'open', currency: 'EUR', orderDate: '2026-03-01', version: 1, lines: [{ lineNumber: 1, gtin, quantity: 10, unitPrice: '1.00' }] });
  });
  // A portal answer through the use case, and an ORDRSP answer as the EDI door records it.
  await respondToPurchaseOrder(ctx, await actorFor(db, 'supplier@mig45.example'), { purchaseOrder: 'PO-MIG-45', lines: [{ lineNumber: 1 }], note: 'as ordered' }, { source: 'portal' });
  await db.run(
    `INSERT INTO edi_interchanges (id, organisation_id, sender_id, recipient_id, control_reference, syntax, received_at, raw, sha256, size_bytes, status)
     VALUES ('ich_mig45', ?, 'SUPPLIER', 'LOTBRIDGE', '45', 'UNOC:3', '2026-03-20T09:00:00.000Z', X'00', ?, 1, 'accepted')`,
    [organisationId, '0'.repeat(64)],
  );
  await insertAnswer('edoc_mig_edi', 'edifact', 'ich_mig45');
  await expect(insertAnswer('edoc_mig_api_early', 'api')).rejects.toThrow(/CHECK constraint failed/);
  before = { rows: await allDocuments(), schema: await schemaOfDocuments(), columns: await db.all('PRAGMA table_xinfo(edi_documents)'), table: await documentsTable() };
  expect(before.rows.map((r) => r.source).sort()).toEqual(['edifact', 'portal']);

  copyFileSync(join(migrations, migration), join(upTo44, migration));
  expect(await migrate(db, upTo44)).toEqual({ applied: [migration], alreadyApplied: others.length });
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe('migration 0045: edi_documents.source gains api', () => {
  it('keeps every document with all its values', async () => {
    expect(await allDocuments()).toEqual(before.rows);
  });

  it('keeps the columns, and recreates every index and trigger of 0025 exactly', async () => {
    expect(await db.all('PRAGMA table_xinfo(edi_documents)')).toEqual(before.columns);
    expect(await schemaOfDocuments()).toEqual(before.schema);
    expect(before.schema.map((s) => s.name)).toEqual(['edi_documents_by_organisation', 'edi_documents_by_reference', 'edi_documents_no_delete', 'edi_documents_no_update', 'sqlite_autoindex_edi_documents_1', 'sqlite_autoindex_edi_documents_2']);
    const table = await documentsTable();
    // The table of 0025 to the letter (comments included), but for the widened CHECK.
    expect(table.replace(", 'api')", ')')).toBe(before.table);
    expect(table).toContain("CHECK (source IN ('edifact', 'portal', 'api'))");
    expect(table).toContain("CHECK (source = 'edifact' OR kind = 'purchase_order_response')");
    expect(await db.get("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'edi_documents_new'")).toEqual({ n: 0 });
    expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
    expect(await db.all('PRAGMA foreign_key_list(edi_documents)')).toHaveLength(3);
  });

  it('the triggers still refuse UPDATE and DELETE', async () => {
    await expect(db.run("UPDATE edi_documents SET note = 'x' WHERE id = 'edoc_mig_edi'")).rejects.toThrow(/never edited/);
    await expect(db.run("DELETE FROM edi_documents WHERE id = 'edoc_mig_edi'")).rejects.toThrow(/DELETE refused/);
    expect(await allDocuments()).toEqual(before.rows);
  });

  it("takes source 'api' without an interchange, and still refuses an unknown source and an API answer with one", async () => {
    await insertAnswer('edoc_mig_api', 'api');
    expect(await db.get("SELECT source FROM edi_documents WHERE id = 'edoc_mig_api'")).toEqual({ source: 'api' });
    await expect(insertAnswer('edoc_mig_fax', 'fax')).rejects.toThrow(/CHECK constraint failed/);
    await expect(insertAnswer('edoc_mig_api_ich', 'api', 'ich_mig45')).rejects.toThrow(/CHECK constraint failed/);
  });
});
