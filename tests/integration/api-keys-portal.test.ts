// The API keys page over real HTTP against the built portal and its real gateway: creating a key
// needs a fresh password or passkey in the same request (a session alone creates nothing: a key
// is lasting power, 21 CFR 11.300) and only an administrator of a supplier or distributor
// organisation creates one; the token is in that one answer and never on the page again; after
// a revoke the API answers 401 with it. Technical users are not listed on the users page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { createApiKey } from '../../shared/api-keys/create-api-key.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Db } from '../../shared/db/index.ts';
import type { RunningServer } from '../support/server.ts';
import { SoftwareAuthenticator } from '../support/software-authenticator.ts';
import { BrowserClient, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

const admin = { email: 'it@suzhou-precision.example', password: 'suzhou-admin-2026!' };
let server: RunningServer;
let db: Db;
let clients: Record<'admin' | 'supplierUser' | 'manufacturerAdmin' | 'otherAdmin', BrowserClient>;

const keysNamed = (name: string) => db.all<{ id: string; user_id: string; revoked_at: string | null }>('SELECT id, user_id, revoked_at FROM api_keys WHERE name = ?', [name]);
const failedAttempts = async (email: string) => (await db.get<{ n: number }>('SELECT failed_attempts AS n FROM users WHERE email = ?', [email]))!.n;

/** The create form as the page posts it: repeated `scope` checkboxes, the expiry date, the fresh credential. */
function create(client: BrowserClient, fields: { name: string; scopes: string[]; expiresOn?: string; password?: string; passkey?: string }): Promise<Response> {
  const body = new URLSearchParams({ name: fields.name, expiresOn: fields.expiresOn ?? '' });
  for (const s of fields.scopes) body.append('scope', s);
  if (fields.password !== undefined) body.set('password', fields.password);
  if (fields.passkey !== undefined) body.set('passkey', fields.passkey);
  return client.request('/api-keys?/create', { method: 'POST', body, headers: { accept: 'text/html' } });
}

const me = (token: string) => fetch(new URL('/api/v1/me', server.url), { headers: { authorization: `Bearer ${token}` } });
const tokenIn = (html: string) => /lbk_[A-Za-z0-9]+_[A-Za-z0-9_-]+/.exec(html)?.[0];

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  const system = { type: 'system' as const, name: 'test' };
  const supplier = await actorFor(db, demo('supplier_user').email);
  await addUser(ctx, system, { email: admin.email, displayName: '李明 (Li Ming)', password: admin.password, organisationId: supplier.organisationId, role: 'supplier_user', administers: true });
  const other = await createOrganisation(ctx, system, { name: 'Penang Moulding Sdn Bhd', kind: 'supplier' });
  await addUser(ctx, system, { email: 'admin@penang-moulding.example', displayName: 'Aisha Rahman', password: 'penang-admin-2026', organisationId: other.id, role: 'supplier_user', administers: true });
  clients = await signedInClients(server, db, {
    admin: admin.email,
    supplierUser: demo('supplier_user').email,
    manufacturerAdmin: demo('manufacturer_admin').email,
    otherAdmin: 'admin@penang-moulding.example',
  });
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('the API keys page', () => {
  it('is for administrators of a supplier or distributor organisation only, and only they see it in the navigation', async () => {
    const page = await clients.admin.get('/api-keys');
    expect(page.status).toBe(200);
    const html = await markup(page);
    const navEntry = /<a href="[./]*api-keys">API keys<\/a>/;
    expect(html).toMatch(navEntry);
    expect(html).toContain('name="scope" value="lots:write"');
    expect(html).not.toContain('value="recalls:read"');
    for (const who of ['supplierUser', 'manufacturerAdmin'] as const) {
      expect((await clients[who].get('/api-keys')).status).toBe(403);
      expect(await markup(await clients[who].get('/home'))).not.toMatch(navEntry);
    }
  });

  it('creates nothing with only a session, nor with a wrong password (which counts towards the lockout)', async () => {
    const bare = await create(clients.admin, { name: 'Stolen session', scopes: ['lots:write'] });
    expect(bare.status).toBe(400);
    expect(await markup(bare)).toContain('data-problem="common.required"');
    const blank = await create(clients.admin, { name: 'Stolen session', scopes: ['lots:write'], password: '' });
    expect(blank.status).toBe(400);
    expect(await failedAttempts(admin.email)).toBe(0);

    const wrong = await create(clients.admin, { name: 'Stolen session', scopes: ['lots:write'], password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(await markup(wrong)).toContain('data-problem="auth.wrongPassword"');
    expect(await failedAttempts(admin.email)).toBe(1);
    expect(await keysNamed('Stolen session')).toEqual([]);
  });

  it('refuses anyone else even with their right password', async () => {
    const user = await create(clients.supplierUser, { name: 'Mine', scopes: ['lots:read'], password: demoPassword });
    expect(user.status).toBe(403);
    const manufacturer = await create(clients.manufacturerAdmin, { name: 'Mine', scopes: ['lots:read'], password: demoPassword });
    expect(manufacturer.status).toBe(403);
    expect(await keysNamed('Mine')).toEqual([]);
  });

  it('words a refused field next to it and keeps what was typed', async () => {
    const res = await create(clients.admin, { name: 'No scopes', scopes: [], password: admin.password });
    expect(res.status).toBe(400);
    const html = await markup(res);
    expect(html).toContain('data-problem="api.noScopes"');
    expect(html).toContain('value="No scopes"');
    const late = await create(clients.admin, { name: 'Too long', scopes: ['lots:read'], expiresOn: '2099-01-01', password: admin.password });
    expect(late.status).toBe(400);
    expect(await markup(late)).toContain('id="key-expires-problem" data-problem="api.badExpiry"');
  });

  it('shows the token once; the API takes it until the key is revoked, then answers 401', async () => {
    const res = await create(clients.admin, { name: 'ERP export', scopes: ['lots:write', 'certificates:read'], password: admin.password });
    expect(res.status).toBe(200);
    const html = await markup(res);
    const token = tokenIn(html)!;
    expect(token).toBeDefined();
    expect(html).toContain('It will not be shown again');
    const [key] = await keysNamed('ERP export');
    expect(token.startsWith(`lbk_${key!.id}_`)).toBe(true);

    // The page lists the key, never its token again.
    const again = await markup(await clients.admin.get('/api-keys'));
    expect(again).toContain('data-name="ERP export" data-state="active"');
    expect(tokenIn(again)).toBeUndefined();
    expect(again).not.toContain(token.split('_').pop()!);

    const ok = await me(token);
    expect(ok.status).toBe(200);
    expect((await ok.json()).apiKey).toMatchObject({ id: key!.id, name: 'ERP export', scopes: ['certificates:read', 'lots:write'] });

    // Nobody outside the organisation's administrators revokes it.
    expect((await clients.supplierUser.postForm('/api-keys?/revoke', { apiKeyId: key!.id })).status).toBe(403);
    expect((await clients.otherAdmin.postForm('/api-keys?/revoke', { apiKeyId: key!.id })).status).toBe(404);
    expect((await me(token)).status).toBe(200);

    const revoked = await clients.admin.postForm('/api-keys?/revoke', { apiKeyId: key!.id });
    expect(revoked.status).toBe(200);
    expect(await markup(revoked)).toContain('data-name="ERP export" data-state="revoked"');
    expect((await me(token)).status).toBe(401);
  });

  it('takes a passkey assertion bound to the session instead of the password', async () => {
    const authenticator = new SoftwareAuthenticator({ id: new URL(server.url).hostname, origin: new URL(server.url).origin });
    const postJson = (path: string, body?: unknown) =>
      clients.admin.request(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const options = await postJson('/account/passkeys/register/options', { password: admin.password });
    const { challengeId, options: creation } = await options.json();
    expect((await postJson('/account/passkeys/register/verify', { challengeId, name: 'Laptop', response: authenticator.register(creation) })).status).toBe(200);

    const confirm = await (await postJson('/account/passkeys/confirm/options')).json();
    const res = await create(clients.admin, { name: 'WMS', scopes: ['orders:read'], passkey: JSON.stringify({ challengeId: confirm.challengeId, response: authenticator.authenticate(confirm.options) }) });
    expect(res.status).toBe(200);
    expect(tokenIn(await markup(res))).toBeDefined();
    expect(await keysNamed('WMS')).toHaveLength(1);
  });

  it("leaves technical users off the users page", async () => {
    const supplierAdmin = await actorFor(db, admin.email);
    const key = await createApiKey({ db, clock: systemClock, policy: defaultPolicy }, supplierAdmin, { name: 'Invisible', scopes: ['lots:read'] });
    for (const who of ['admin', 'manufacturerAdmin'] as const) {
      const html = await markup(await clients[who].get('/users'));
      expect(html).toContain(admin.email);
      expect(html).not.toContain(key.userId);
      expect(html).not.toContain('Invisible (API key)');
    }
  });
});
