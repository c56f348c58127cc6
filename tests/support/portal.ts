// The built portal for the integration and browser tiers: a server started from build/, a
// client that behaves like a browser without JavaScript, sessions opened directly, demo ids.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { ensureBuild } from '../../gateway/node/ensure-build.ts';
import { buildDir } from '../../gateway/node/paths.ts';
import { openDb, type Db } from '../../shared/db/index.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createSession, sessionCookieName } from '../../shared/auth/session.ts';
import { findSignInUser } from '../../shared/auth/find-sign-in-user.ts';
import { systemClock } from '../../shared/clock.ts';
import { PortalClient } from './http-client.ts';
import { startServer, type RunningServer } from './server.ts';

const lockDir = join(tmpdir(), 'lotbridge-integration-portal-build.lock');
const handlerFile = join(buildDir, 'handler.js');

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
 * The servers run the portal from build/ (tests/run.js builds it before the tiers; the test
 * servers never rebuild, see LOTBRIDGE_BUILD in tests/support/server.ts). When the tier runs
 * alone on a checkout without a build, the first test file builds it under a lock and the
 * others wait: never several `vite build`s into one folder, never a rebuild under a running
 * server.
 */
export async function ensurePortalBuilt(): Promise<void> {
  for (;;) {
    if (existsSync(lockDir)) {
      // Someone is building: wait, unless the builder died (its pid may not be written yet).
      await new Promise((r) => setTimeout(r, 250));
      if (!lockHolderAlive()) {
        await new Promise((r) => setTimeout(r, 500));
        if (!lockHolderAlive()) rmSync(lockDir, { recursive: true, force: true });
      }
      continue;
    }
    if (existsSync(handlerFile)) return;
    try {
      mkdirSync(lockDir);
    } catch {
      continue; // another worker took the lock first
    }
    try {
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      if (!existsSync(handlerFile)) await ensureBuild((line) => console.log(line));
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }
}

/** startServer() once there is a portal build. */
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

/**
 * Opens a session for `email` straight in the server's database (with the real createSession,
 * on the server's wall clock) and puts its token in the client's cookie jar: for tests whose
 * concern is what a signed-in user may see, not how they signed in.
 */
export async function signInDirectly(client: PortalClient, db: Db, email: string): Promise<void> {
  const user = await findSignInUser(db, { email });
  if (!user) throw new Error(`no user ${email}`);
  const { token } = await db.transaction((tx) =>
    createSession(tx, systemClock, defaultPolicy, { userId: user.id, organisationId: user.organisation_id, authMethod: 'password' }),
  );
  client.cookies.set(sessionCookieName, token);
}

/** A BrowserClient per name, each holding a session opened directly (signInDirectly) for its e-mail. */
export async function signedInClients<K extends string>(server: { url: string }, db: Db, emails: Record<K, string>): Promise<Record<K, BrowserClient>> {
  const clients = {} as Record<K, BrowserClient>;
  for (const [who, email] of Object.entries(emails) as [K, string][]) {
    clients[who] = new BrowserClient(server.url);
    await signInDirectly(clients[who], db, email);
  }
  return clients;
}

/** A page's HTML without Svelte's hydration markers, with the entities of quotes decoded. */
export const markup = async (res: Response): Promise<string> =>
  (await res.text())
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

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
