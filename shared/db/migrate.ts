import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './index.ts';
import { applyMigrations, migrationFile, type MigrationResult } from './apply-migrations.ts';

export type { MigrationResult };

/** Applies the migrations of the folder `dir` (see `applyMigrations`: forward-only, checksummed). */
export async function migrate(db: Db, dir: string): Promise<MigrationResult> {
  const names = (await readdir(dir)).filter((f) => migrationFile.test(f));
  const files = await Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
  return applyMigrations(db, files, dir);
}
