import { createHash } from 'node:crypto';
import type { Db } from './index.ts';
import { AppError } from '../errors.ts';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export interface MigrationFile {
  name: string;
  sql: string;
}

export const migrationFile = /^\d{4}_[a-z0-9_]+\.sql$/;

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Forward-only migrations: applies every file not yet applied, in name order, each in its own
 * transaction with its checksum recorded. Refuses to go on when an applied file was edited or
 * removed since, because the database would no longer match the repository. `from` names where
 * the files came from (a folder on Node, the Worker's bundle on Workers) for the refusals.
 */
export async function applyMigrations(db: Db, migrations: readonly MigrationFile[], from: string): Promise<MigrationResult> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const files = migrations.filter((f) => migrationFile.test(f.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set(files.map((f) => f.name));
  const applied = new Map(
    (await db.all<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).map((r) => [
      r.name,
      r.checksum,
    ]),
  );

  for (const name of applied.keys()) {
    if (!names.has(name)) {
      throw new AppError('conflict', `migration ${name} was applied to this database but is missing from ${from}`);
    }
  }

  const result: MigrationResult = { applied: [], alreadyApplied: 0 };
  for (const { name, sql } of files) {
    const sum = checksum(sql);
    const recorded = applied.get(name);
    if (recorded !== undefined) {
      if (recorded !== sum) {
        throw new AppError(
          'conflict',
          `migration ${name} was edited after it was applied (recorded sha256 ${recorded.slice(0, 12)}…, file now ${sum.slice(0, 12)}…); migrations are forward-only, add a new file instead`,
        );
      }
      result.alreadyApplied++;
      continue;
    }
    const ran = await db.script(sql, {
      // Checked again under the write lock: another process may have applied it meanwhile.
      before: async (tx) => !(await tx.get('SELECT name FROM schema_migrations WHERE name = ?', [name])),
      after: async (tx) => {
        await tx.run('INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)', [name, sum, new Date().toISOString()]);
      },
    });
    if (ran) result.applied.push(name);
    else result.alreadyApplied++;
  }
  return result;
}
