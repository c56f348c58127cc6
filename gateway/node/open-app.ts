import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { openDb, tuneEmbedded } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { loadConfig } from '../../shared/config.ts';
import { createLogger } from '../../shared/log.ts';
import { systemClock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { AppContext } from '../../shared/context.ts';
import { keyFileExists, keySource, loadKeyring } from '../../shared/keys/key-file.ts';
import { installKeys } from '../../shared/keys/install-keys.ts';
import { openFileStorage } from '../../shared/files/open-file-storage.ts';
import { migrationsDir, rootDir } from './paths.ts';

/** The database file and the files SQLite keeps beside it: readable by the owner only. */
function ownerOnly(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const p of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(p)) chmodSync(p, 0o600);
}

/** An embedded database's file URL made absolute (relative to the repository); others as they are. */
export function resolveDatabaseUrl(url: string): string {
  if (!url.startsWith('file:') || url.startsWith('file::memory:')) return url;
  return `file:${resolve(rootDir, url.slice('file:'.length).replace(/^\/\/(?=\/)/, ''))}`;
}

/**
 * Opens the configured database, creating the folder of an embedded file (owner-only), applies
 * the pending migrations (refusing an edited one) and installs the keys kept outside the
 * database (refusing to start on a database whose key file is missing or another's). Every
 * command that touches data starts here.
 */
export async function openApp(env: Record<string, string | undefined> = process.env): Promise<AppContext & { migrationsApplied: string[] }> {
  const config = loadConfig(env);
  const log = createLogger(config.logLevel, { service: 'lotbridge' });
  const url = resolveDatabaseUrl(config.databaseUrl);
  if (url.startsWith('file:') && !url.startsWith('file::memory:')) {
    const path = url.slice('file:'.length);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    ownerOnly(path);
  }
  const files = openFileStorage(config);
  if (config.files.storage === 'local') await mkdir(config.uploads.dir, { recursive: true, mode: 0o700 });
  const source = keySource(url, env);
  const db = openDb(url, config.databaseAuthToken, () => loadKeyring(source, env));
  try {
    await tuneEmbedded(db, url);
    const result = await migrate(db, migrationsDir);
    if (!keyFileExists(source) && (await db.get('SELECT 1 FROM key_checks LIMIT 1'))) {
      throw new AppError('conflict', `the key file ${source.file} is missing, but this database was used with keys: restore the key file from its backup (README, "Security"); a new key would make the audit trail unverifiable`);
    }
    const ctx = { db, clock: systemClock, policy: config.policy };
    const keys = await installKeys(ctx);
    if (keys.installedKey) log.info('keys installed', { keyId: keys.installedKey, file: source.file ?? 'LOTBRIDGE_KEY' });
    if (keys.sealed) log.info('secrets sealed with the keys outside the database', { count: keys.sealed });
    return { ...ctx, config, log, files, migrationsApplied: result.applied };
  } catch (e) {
    db.close();
    throw e;
  }
}
