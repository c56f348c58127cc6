import type { AppContext } from '../shared/context.ts';
import { loadConfig } from '../shared/config.ts';
import { createLogger } from '../shared/log.ts';
import { systemClock } from '../shared/clock.ts';
import { openDurableObjectDb, type DurableObjectStorageLike } from '../shared/db/durable-object-db.ts';
import { applyMigrations } from '../shared/db/apply-migrations.ts';
import { installKeys } from '../shared/keys/install-keys.ts';
import { loadKeyring } from '../shared/keys/key-file.ts';
import { AppError } from '../shared/errors.ts';
import { migrations } from './generated/migrations.js';

/** The Worker's variables and secrets (its bindings, which are objects, left out): what loadConfig reads. */
export function stringVars(env: object): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The Workers counterpart of gateway/node/open-app.ts: the database is the Durable Object's own
 * SQLite, the migrations come bundled with the Worker (same checksum rules), the keys kept
 * outside the database come from the LOTBRIDGE_KEY secret.
 */
export async function openWorkersApp(storage: DurableObjectStorageLike, env: object): Promise<AppContext & { migrationsApplied: string[] }> {
  const vars = stringVars(env);
  if (!vars.LOTBRIDGE_KEY?.trim()) {
    throw new AppError('invalid_input', 'LOTBRIDGE_KEY is not set: on Workers the keys that protect the audit trail and secrets come from that secret (`wrangler secret put LOTBRIDGE_KEY`)');
  }
  const config = loadConfig(vars);
  const log = createLogger(config.logLevel, { service: 'lotbridge' });
  const keyring = loadKeyring({ fromEnvironment: true }, vars);
  const db = openDurableObjectDb(storage, () => keyring);
  const result = await applyMigrations(db, migrations, 'the migrations bundled with the Worker');
  const ctx = { db, clock: systemClock, policy: config.policy };
  const keys = await installKeys(ctx);
  if (keys.installedKey) log.info('keys installed', { keyId: keys.installedKey, file: 'LOTBRIDGE_KEY' });
  return { ...ctx, config, log, migrationsApplied: result.applied };
}
