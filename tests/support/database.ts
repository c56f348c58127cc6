import { join } from 'node:path';
import { openDb, tuneEmbedded, type Db } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { defaultPolicy, type SecurityPolicy } from '../../shared/auth/policy.ts';
import { fixedClock } from '../../shared/clock.ts';
import type { FilesContext } from '../../shared/context.ts';
import { LocalFileStorage } from '../../shared/files/local-file-storage.ts';
import { rootDir, tempDir } from './server.ts';

export const migrationsDir = join(rootDir, 'migrations');

export interface TestDatabase {
  db: Db;
  url: string;
  dir: string;
  clock: ReturnType<typeof fixedClock>;
  /** Files go to the local folder `dir`. */
  ctx: FilesContext;
  close(): void;
}

/** A real SQLite file in a temp folder, migrated, with a clock the test controls. */
export async function testDatabase(policy: SecurityPolicy = defaultPolicy): Promise<TestDatabase> {
  const tmp = tempDir();
  const url = `file:${join(tmp.dir, 'lotbridge.db')}`;
  const db = openDb(url);
  await tuneEmbedded(db, url);
  await migrate(db, migrationsDir);
  const clock = fixedClock('2026-03-02T09:00:00.000Z');
  return {
    db,
    url,
    dir: tmp.dir,
    clock,
    ctx: { db, clock, policy, files: new LocalFileStorage(tmp.dir) },
    close() {
      db.close();
      tmp.remove();
    },
  };
}
