// Migration 0019 (signatures.meaning gains 'rejection') on a real SQLite file that holds
// signatures from before it, one of them referenced by a signed recall reply: the database is
// migrated up to 0018, rows are stored, then 0019 is applied. Asserted: every signature
// survives with every value; the table, index and triggers are those of 0003 apart from the
// widened CHECK; the triggers still refuse UPDATE and DELETE; 'rejection' is taken and an
// unknown meaning still refused; the reply still references its signature.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, tuneEmbedded, type Db } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { tempDir } from '../support/server.ts';

const migrations = join(import.meta.dirname, '../../migrations');

let dir: { dir: string; remove(): void };
let db: Db;
let before: { rows: Record<string, unknown>[]; schema: { type: string; name: string; sql: string }[]; table: string };

const schemaOfSignatures = () =>
  db.all<{ type: string; name: string; sql: string }>("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'signatures' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name");
const allSignatures = () => db.all<Record<string, unknown>>('SELECT * FROM signatures ORDER BY id');
const signaturesTable = async () => (await db.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'signatures'"))!.sql;

let signer: { userId: string; organisationId: string };
function insertSignature(id: string, meaning: string) {
  return db.run(
    `INSERT INTO signatures (id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, signer_email, organisation_id, method, credential_id, reason, signed_at)
     VALUES (?, 'certificate', 'cer_x', ?, ?, ?, 'Dr. Lena Fischer', 'qa@meridian-medical.example', ?, 'password', NULL, 'a reason', '2026-03-20T10:15:00.000Z')`,
    [id, 'b'.repeat(64), meaning, signer.userId, signer.organisationId],
  );
}

beforeAll(async () => {
  dir = tempDir('lotbridge-signature-meaning-');
  const before19 = join(dir.dir, 'migrations');
  mkdirSync(before19);
  // Today's demo seed writes the columns of later migrations (memberships.administers…), none of
  // which touches signatures: apply every migration but 0019 first.
  for (const f of readdirSync(migrations).filter((f) => f.endsWith('.sql') && f !== '0019_credentials.sql')) copyFileSync(join(migrations, f), join(before19, f));
  const url = `file:${join(dir.dir, 'lotbridge.db')}`;
  db = openDb(url);
  await tuneEmbedded(db, url);
  await migrate(db, before19);
  await seedDemo({ db, clock: systemClock, policy: defaultPolicy });
  signer = (await db.get<{ userId: string; organisationId: string }>(
    "SELECT u.id AS userId, m.organisation_id AS organisationId FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = 'qa@meridian-medical.example'",
  ))!;
  await expect(insertSignature('sig_mig_rejection', 'rejection')).rejects.toThrow(/CHECK constraint failed/);
  for (const meaning of ['authorship', 'review', 'approval', 'responsibility']) await insertSignature(`sig_mig_${meaning}`, meaning);
  // A signed recall reply referencing one of them. Only its own other parents (notice, recall)
  // are left out, by writing it with foreign keys off on a connection of its own (the Db's
  // writes run inside its group-commit transaction, where that pragma has no effect); the
  // reference to signatures is what the migration must keep intact.
  const raw = createClient({ url });
  await raw.execute('PRAGMA foreign_keys = OFF');
  await raw.execute({
    sql: `INSERT INTO recall_acknowledgements (id, notice_id, recall_id, distributor_organisation_id, version, holds_stock, comment, record_hash, signature_id, submitted_by, submitted_at)
     VALUES ('ack_mig', 'rcn_absent', 'rcl_absent', ?, 1, 0, NULL, ?, 'sig_mig_responsibility', ?, '2026-03-20T10:15:00.000Z')`,
    args: [signer.organisationId, 'c'.repeat(64), signer.userId],
  });
  raw.close();
  // The migration runs as the server runs it: with foreign keys enforced.
  expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
  before = { rows: await allSignatures(), schema: await schemaOfSignatures(), table: await signaturesTable() };
  expect(before.rows.length).toBeGreaterThanOrEqual(4);
  const applied = await migrate(db, migrations);
  expect(applied.applied).toEqual(['0019_credentials.sql']);
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe('migration 0019: signatures.meaning gains rejection', () => {
  it('keeps every signature with all its values', async () => {
    expect(await allSignatures()).toEqual(before.rows);
  });

  it('keeps the table as 0003 made it apart from the CHECK, and recreates its index and triggers exactly', async () => {
    expect(await schemaOfSignatures()).toEqual(before.schema);
    const widened = before.table.replace("'approval', 'responsibility'", "'approval', 'rejection', 'responsibility'");
    expect(widened).not.toBe(before.table);
    expect(await signaturesTable()).toBe(widened);
  });

  it('the triggers still refuse UPDATE and DELETE [REQ-P11-REC-02]', async () => {
    await expect(db.run("UPDATE signatures SET meaning = 'approval' WHERE id = 'sig_mig_review'")).rejects.toThrow(/permanent: UPDATE refused/);
    await expect(db.run("DELETE FROM signatures WHERE id = 'sig_mig_review'")).rejects.toThrow(/permanent: DELETE refused/);
  });

  it("takes 'rejection' and still refuses a meaning it does not know", async () => {
    await insertSignature('sig_mig_rejection', 'rejection');
    await expect(insertSignature('sig_mig_other', 'endorsement')).rejects.toThrow(/CHECK constraint failed/);
  });

  it('leaves the signed reply pointing at its signature', async () => {
    const broken = await db.all<{ table: string; parent: string }>('PRAGMA foreign_key_check(recall_acknowledgements)');
    expect(broken.filter((b) => b.parent === 'signatures')).toEqual([]);
    expect(await db.get("SELECT s.meaning FROM recall_acknowledgements a JOIN signatures s ON s.id = a.signature_id WHERE a.id = 'ack_mig'")).toEqual({ meaning: 'responsibility' });
    // And a signature the reply points at is as permanent as before.
    await expect(db.run("DELETE FROM signatures WHERE id = 'sig_mig_responsibility'")).rejects.toThrow(/permanent: DELETE refused/);
  });
});
