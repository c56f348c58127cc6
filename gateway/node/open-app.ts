import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { openDb, tuneEmbedded } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { loadConfig } from '../../shared/config.ts';
import { createLogger } from '../../shared/log.ts';
import { systemClock } from '../../shared/clock.ts';
import type { AppContext } from '../../shared/context.ts';
import { migrationsDir, rootDir } from './paths.ts';

/**
 * Opens the configured database, creating the folder of an embedded file, and applies the
 * pending migrations (refusing an edited one). Every command that touches data starts here.
 */
export async function openApp(env: Record<string, string | undefined> = process.env): Promise<AppContext & { migrationsApplied: string[] }> {
  const config = loadConfig(env);
  const log = createLogger(config.logLevel, { service: 'lotbridge' });
  let url = config.databaseUrl;
  if (url.startsWith('file:') && !url.startsWith('file::memory:')) {
    const path = resolve(rootDir, url.slice('file:'.length).replace(/^\/\/(?=\/)/, ''));
    await mkdir(dirname(path), { recursive: true });
    url = `file:${path}`;
  }
  const db = openDb(url, config.databaseAuthToken);
  try {
    await tuneEmbedded(db, url);
    const result = await migrate(db, migrationsDir);
    return { db, clock: systemClock, policy: config.policy, config, log, migrationsApplied: result.applied };
  } catch (e) {
    db.close();
    throw e;
  }
}
