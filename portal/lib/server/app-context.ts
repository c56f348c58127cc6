import { installedAppContext, installAppContext, type AppContext } from '$shared/context.ts';
import { loadConfig } from '$shared/config.ts';
import { createLogger } from '$shared/log.ts';
import { openDb, tuneEmbedded } from '$shared/db/index.ts';
import { migrate } from '$shared/db/migrate.ts';
import { systemClock } from '$shared/clock.ts';
import { openFileStorage } from '$shared/files/open-file-storage.ts';

/**
 * The server's shared parts. `lotbridge serve` installs them before SvelteKit loads; under
 * `vite dev` nothing did, so they are opened here from the same environment variables.
 */
export async function ensureAppContext(): Promise<AppContext> {
  const existing = installedAppContext();
  if (existing) return existing;
  const config = loadConfig();
  const db = openDb(config.databaseUrl, config.databaseAuthToken);
  await tuneEmbedded(db, config.databaseUrl);
  await migrate(db, 'migrations');
  const ctx: AppContext = { db, clock: systemClock, policy: config.policy, config, log: createLogger(config.logLevel, { service: 'lotbridge' }), files: openFileStorage(config) };
  installAppContext(ctx);
  return ctx;
}

export function appContext(): AppContext {
  const ctx = installedAppContext();
  if (!ctx) throw new Error('the app context is not installed (start with `lotbridge serve`)');
  return ctx;
}
