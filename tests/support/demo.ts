import { join } from 'node:path';
import type { Role } from '../../shared/auth/actor.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { FilesContext } from '../../shared/context.ts';
import { LocalFileStorage } from '../../shared/files/local-file-storage.ts';
import { openDb, tuneEmbedded, type Db } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { demoUsers, seedDemo } from '../../shared/demo/seed-demo.ts';
import { migrationsDir } from './database.ts';
import { tempDir } from './server.ts';

/** The demo user with this role (shared/demo/seed-demo.ts seeds them): e-mail, display name, organisation. */
export const demo = (role: Role) => demoUsers.find((u) => u.role === role)!;

/** A real SQLite file in a temp folder, migrated and seeded with the demo, on the system clock; uploads go to the same folder. */
export async function demoDatabase(prefix: string): Promise<{ dir: { dir: string; remove(): void }; db: Db; ctx: FilesContext }> {
  const dir = tempDir(prefix);
  const url = `file:${join(dir.dir, 'lotbridge.db')}`;
  const db = openDb(url);
  await tuneEmbedded(db, url);
  await migrate(db, migrationsDir);
  const ctx = { db, clock: systemClock, policy: defaultPolicy, files: new LocalFileStorage(dir.dir) };
  await seedDemo(ctx);
  return { dir, db, ctx };
}
