import type { AppContext } from '../shared/context.ts';
import { loadConfig } from '../shared/config.ts';
import { createLogger } from '../shared/log.ts';
import { systemClock } from '../shared/clock.ts';
import { openDurableObjectDb, type DurableObjectStorageLike } from '../shared/db/durable-object-db.ts';
import { applyMigrations } from '../shared/db/apply-migrations.ts';
import { installKeys } from '../shared/keys/install-keys.ts';
import { keyringFromSecret } from '../shared/keys/key-secret.ts';
import type { R2BucketBinding } from '../shared/files/r2-file-storage.ts';
import { openBucketStorage } from '../shared/files/open-bucket-storage.ts';
import { configureDefaultEndpoint } from '../shared/webhooks/configure-default-endpoint.ts';
import { ensureAs2Identity } from '../shared/edi/identity/ensure-as2-identity.ts';
import { installFontSource, assetsFontSource } from '../shared/pdf/font-source.ts';
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
export interface WorkerBindings {
  ASSETS: { fetch(url: string): Promise<Response> };
  FILES: R2BucketBinding;
}

export async function openWorkersApp(storage: DurableObjectStorageLike, env: WorkerBindings): Promise<AppContext & { migrationsApplied: string[] }> {
  const vars = stringVars(env);
  const config = loadConfig(vars, '/');
  const log = createLogger(config.logLevel, { service: 'lotbridge' });
  const keyring = keyringFromSecret(vars);
  const files = openBucketStorage(config, { binding: env.FILES, name: 'FILES' });
  const db = openDurableObjectDb(storage, () => keyring);
  const result = await applyMigrations(db, migrations, 'the migrations bundled with the Worker');
  const ctx = { db, clock: systemClock, policy: config.policy };
  const keys = await installKeys(ctx);
  if (keys.installedKey) log.info('keys installed', { keyId: keys.installedKey, file: 'LOTBRIDGE_KEY' });
  const app = { ...ctx, config, log, files, migrationsApplied: result.applied };
  // The PDFs' fonts come from the static assets (the build copies them there, never into the script).
  installFontSource(assetsFontSource(env.ASSETS));
  await startUp(app);
  return app;
}

/** What `lotbridge serve` does once started (gateway/node/serve.ts), in the same order. */
async function startUp(app: AppContext & { migrationsApplied: string[] }): Promise<void> {
  const { config, log } = app;
  if (app.migrationsApplied.length) log.info('migrations applied', { migrations: app.migrationsApplied });
  if (config.erp.webhookUrl && config.erp.webhookSecret) {
    const outcome = await configureDefaultEndpoint(app, { url: config.erp.webhookUrl.href, secret: config.erp.webhookSecret });
    if (outcome !== 'unchanged') log.info('ERP webhook endpoint set', { outcome, url: config.erp.webhookUrl.href });
  }
  const identity = await ensureAs2Identity(app, { type: 'system', name: 'Lotbridge start-up' }, { as2Id: config.as2.id });
  if (identity.created) log.info('AS2 identity created', { as2Id: config.as2.id });
  // The demo, on an empty database only (DEMO_SEED; never by default where PUBLIC_URL is published).
  const portalUrl = config.publicUrl?.origin ?? 'http://localhost:8787';
  if (!config.seedDemo) return;
  // Loaded only for the demo: the seed's data stays out of a production Worker's start.
  const { seedDemo, seedWholeDemo } = await import('../shared/demo/seed-demo.ts');
  const seeded = config.seedDemo === 'all' ? await seedWholeDemo(app, { uploads: config.uploads, portalUrl }) : await seedDemo(app);
  if (seeded) log.info('demo seeded', { portalUrl });
}
