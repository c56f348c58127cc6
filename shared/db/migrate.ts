import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './index.ts';
import { applyMigrations, migrationFile, type MigrationResult } from './apply-migrations.ts';

export type { MigrationResult };

/** The migration files of the folder `dir`, with their SQL. */
export async function readMigrations(dir: string): Promise<{ name: string; sql: string }[]> {
  const names = (await readdir(dir)).filter((f) => migrationFile.test(f));
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
}

/** Applies the migrations of the folder `dir` (see `applyMigrations`: forward-only, checksummed). */
export async function migrate(db: Db, dir: string): Promise<MigrationResult> {
  return applyMigrations(db, await readMigrations(dir), dir);
}
