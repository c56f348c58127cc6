// Shared by the integration test files (not a test file itself: Vitest only collects *.test.ts).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { buildIsStale, ensureBuild } from '../../gateway/node/ensure-build.ts';
import { openDb, type Db } from '../../shared/db/index.ts';
import { PortalClient } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const lockDir = join(tmpdir(), 'lotbridge-integration-portal-build.lock');

function lockHolderAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `lotbridge serve` rebuilds the portal when its build is stale, and the test files run in
 * parallel: without this, several servers would run `vite build` into the same build/ folder
 * at once. The first worker that finds the build stale builds it under a lock; the others wait.
 */
export async function ensurePortalBuilt(): Promise<void> {
  for (;;) {
    if (!buildIsStale()) return;
    try {
      mkdirSync(lockDir);
    } catch {
      if (existsSync(lockDir) && !lockHolderAlive()) {
        // A worker that died while building left its lock behind.
        await new Promise((r) => setTimeout(r, 500));
        if (!lockHolderAlive()) rmSync(lockDir, { recursive: true, force: true });
      } else {
        await new Promise((r) => setTimeout(r, 250));
      }
      continue;
    }
    try {
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      if (buildIsStale()) await ensureBuild((line) => console.log(line));
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }
}

/** startServer() once the portal build is current. */
export async function startBuiltServer(env: Record<string, string> = {}): Promise<RunningServer> {
  await ensurePortalBuilt();
  return startServer(env);
}

/** The running server's own SQLite file, opened beside it (WAL lets both read and write). */
export function openServerDb(server: RunningServer): Db {
  return openDb(server.databaseUrl);
}

/** A second, raw connection that goes behind the application's back (for tampering). */
export function rawClient(url: string): Client {
  return createClient({ url, intMode: 'number' });
}

/**
 * A browser without JavaScript: besides PortalClient's cookie jar and Origin header it sends
 * `Accept: text/html` on form posts, as browsers do. (Without it SvelteKit answers a form
 * action with its JSON envelope and HTTP 200 instead of a page or a redirect.)
 */
export class BrowserClient extends PortalClient {
  override postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { accept: 'text/html' } });
  }

  override get(path: string): Promise<Response> {
    return this.request(path, { headers: { accept: 'text/html' } });
  }

  /** Signs in through the login form and insists that it worked. */
  async signInOrThrow(email: string, password: string): Promise<void> {
    const res = await this.signIn(email, password);
    await res.body?.cancel();
    if (res.status !== 303 || res.headers.get('location') !== '/home' || !this.cookies.has('lotbridge_session')) {
      throw new Error(`sign-in as ${email} failed: HTTP ${res.status}, location ${res.headers.get('location')}`);
    }
  }
}

/** Ids of the demo organisations and users in a seeded database. */
export async function demoIds(db: Db): Promise<{
  org: Record<'manufacturer' | 'supplier' | 'distributor', { id: string; name: string }>;
  user: Record<string, { id: string; displayName: string; organisationId: string }>;
}> {
  const orgs = await db.all<{ id: string; name: string; kind: 'manufacturer' | 'supplier' | 'distributor' }>('SELECT id, name, kind FROM organisations');
  const users = await db.all<{ id: string; email: string; display_name: string; organisation_id: string }>(
    'SELECT u.id, u.email, u.display_name, m.organisation_id FROM users u JOIN memberships m ON m.user_id = u.id',
  );
  return {
    org: Object.fromEntries(orgs.map((o) => [o.kind, { id: o.id, name: o.name }])) as never,
    user: Object.fromEntries(users.map((u) => [u.email, { id: u.id, displayName: u.display_name, organisationId: u.organisation_id }])),
  };
}

/** Inserts a passkey row straight into the database (the WebAuthn ceremony is the e2e tier's). */
export async function insertPasskey(db: Db, userId: string, name: string): Promise<string> {
  const id = `cred-${name.replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2, 10)}`;
  await db.run(
    `INSERT INTO passkey_credentials (id, user_id, public_key, counter, transports, device_type, backed_up, name, created_at)
     VALUES (?, ?, ?, 0, '["internal"]', 'singleDevice', 0, ?, '2026-03-01T08:00:00.000Z')`,
    [id, userId, new Uint8Array([1, 2, 3, 4]), name],
  );
  return id;
}
