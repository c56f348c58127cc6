import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { migrationsDir } from '../support/database.ts';
import { runCli, tempDir } from '../support/server.ts';

const expectedTables = [
  'audit_head',
  'audit_log',
  'memberships',
  'organisations',
  'outbox',
  'passkey_credentials',
  'schema_migrations',
  'sessions',
  'users',
  'webauthn_challenges',
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const repoMigrationFiles = () => readdirSync(migrationsDir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** An empty SQLite file (not migrated) in its own temp folder, removed after the test. */
function emptyDatabase(): { db: Db; url: string; dir: string } {
  const tmp = tempDir();
  const url = `file:${join(tmp.dir, 'lotbridge.db')}`;
  const db = openDb(url);
  cleanups.push(() => {
    db.close();
    tmp.remove();
  });
  return { db, url, dir: tmp.dir };
}

/** A copy of the repository's migrations folder that the test may edit. */
function migrationsCopy(): string {
  const tmp = tempDir('lotbridge-migrations-');
  cleanups.push(tmp.remove);
  cpSync(migrationsDir, tmp.dir, { recursive: true });
  return tmp.dir;
}

async function tableNames(db: Db): Promise<string[]> {
  const rows = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  return rows.map((r) => r.name);
}

describe('migrate()', () => {
  it('creates every table on an empty database and records each file with its checksum', async () => {
    const { db } = emptyDatabase();
    expect(await tableNames(db)).toEqual([]);

    const result = await migrate(db, migrationsDir);

    const files = repoMigrationFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(result).toEqual({ applied: files, alreadyApplied: 0 });
    expect(await tableNames(db)).toEqual(expect.arrayContaining(expectedTables));
    const recorded = await db.all<{ name: string; checksum: string; applied_at: string }>('SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name');
    expect(recorded.map((r) => r.name)).toEqual(files);
    for (const r of recorded) {
      expect(r.checksum).toBe(sha256(readFileSync(join(migrationsDir, r.name), 'utf8')));
      expect(Number.isNaN(Date.parse(r.applied_at))).toBe(false);
    }
    // The schema's own seed row: the audit chain starts at the genesis hash.
    expect(await db.get('SELECT id, last_seq, last_hash FROM audit_head')).toEqual({ id: 1, last_seq: 0, last_hash: '0'.repeat(64) });
  });

  it('applies nothing when run again', async () => {
    const { db } = emptyDatabase();
    await migrate(db, migrationsDir);
    const before = await db.all('SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name');

    const again = await migrate(db, migrationsDir);

    expect(again).toEqual({ applied: [], alreadyApplied: repoMigrationFiles().length });
    expect(await db.all('SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name')).toEqual(before);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_head'))!.n).toBe(1);
  });

  it('applies only a new file added after the first run (forward-only)', async () => {
    const dir = migrationsCopy();
    const { db } = emptyDatabase();
    await migrate(db, dir);
    writeFileSync(join(dir, '9001_integration_extra.sql'), 'CREATE TABLE integration_extra (id TEXT PRIMARY KEY);\n');

    const result = await migrate(db, dir);

    expect(result).toEqual({ applied: ['9001_integration_extra.sql'], alreadyApplied: repoMigrationFiles().length });
    expect(await tableNames(db)).toContain('integration_extra');
  });

  it('refuses, naming the file, when an applied migration was edited', async () => {
    const dir = migrationsCopy();
    const { db } = emptyDatabase();
    await migrate(db, dir);
    const [first] = repoMigrationFiles();
    appendFileSync(join(dir, first!), '\n-- an innocent-looking comment added later\n');

    await expect(migrate(db, dir)).rejects.toThrow(new RegExp(`${first!.replace('.', '\\.')}.*edited`));
    // Nothing was recorded over the original checksum.
    const row = await db.get<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE name = ?', [first!]);
    expect(row!.checksum).toBe(sha256(readFileSync(join(migrationsDir, first!), 'utf8')));
  });

  it('refuses when an applied migration is missing from the folder', async () => {
    const dir = migrationsCopy();
    const { db } = emptyDatabase();
    await migrate(db, dir);
    const [first] = repoMigrationFiles();
    rmSync(join(dir, first!));

    await expect(migrate(db, dir)).rejects.toThrow(new RegExp(`${first!.replace('.', '\\.')}.*missing`));
  });

  it('rolls back a migration that fails half-way: no table of it and no record', async () => {
    const dir = migrationsCopy();
    const { db } = emptyDatabase();
    await migrate(db, dir);
    writeFileSync(
      join(dir, '9002_half_broken.sql'),
      'CREATE TABLE half_one (id TEXT PRIMARY KEY);\nINSERT INTO half_one (id) VALUES (\'x\');\nCREATE TABLE half_two (id TEXT PRIMARY KEY, broken REFERENCES);\n',
    );

    await expect(migrate(db, dir)).rejects.toThrow();

    expect(await tableNames(db)).not.toContain('half_one');
    expect(await db.get("SELECT name FROM schema_migrations WHERE name = '9002_half_broken.sql'")).toBeUndefined();
  });
});

describe('lotbridge migrate', () => {
  it('migrates a new database, then reports it up to date', async () => {
    const { url } = emptyDatabase();

    const first = await runCli(['migrate'], { DATABASE_URL: url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Applied: ${repoMigrationFiles().join(', ')}`);

    const second = await runCli(['migrate'], { DATABASE_URL: url });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
  });

  it('exits non-zero naming the file when the recorded checksum no longer matches the file', async () => {
    const { db, url } = emptyDatabase();
    await migrate(db, migrationsDir);
    const [first] = repoMigrationFiles();
    await db.run('UPDATE schema_migrations SET checksum = ? WHERE name = ?', ['f'.repeat(64), first!]);

    const result = await runCli(['migrate'], { DATABASE_URL: url });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(first!);
    expect(result.stderr).toContain('edited');
  });

  it('exits 2 with one line naming DATABASE_URL when the URL is not one it can open', async () => {
    const result = await runCli(['migrate'], { DATABASE_URL: 'postgres://x' });

    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL');
    expect(result.stdout).toBe('');
  });
});
