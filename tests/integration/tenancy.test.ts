import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { signInWithPassword } from '../../shared/auth/sign-in-with-password.ts';
import { validateSessionToken } from '../../shared/auth/session.ts';
import { removePasskey } from '../../shared/auth/remove-passkey.ts';
import { listPasskeys } from '../../shared/auth/list-passkeys.ts';
import { listAuditTrail } from '../../shared/audit/list-audit-trail.ts';
import { getOrganisation } from '../../shared/organisations/get-organisation.ts';
import { demoPassword, demoUsers, seedDemo } from '../../shared/demo/seed-demo.ts';
import { isAppError } from '../../shared/errors.ts';
import type { Db } from '../../shared/db/index.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, demoIds, insertPasskey, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const distributor = demo('distributor_user');
const admin = demo('manufacturer_admin');
const distributorOrgName = 'Rhein Medical Distribution GmbH';
const supplierOrgName = 'Suzhou Precision Components Co., Ltd.';

describe('tenant isolation in the portal', () => {
  let server: RunningServer;
  let db: Db;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let asSupplier: BrowserClient;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ids = await demoIds(db);
    // How users sign in is sessions.test.ts's concern; here a session is opened directly.
    asSupplier = new BrowserClient(server.url);
    await signInDirectly(asSupplier, db, supplier.email);
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('shows the supplier its own organisation with its members', async () => {
    const res = await asSupplier.get(`/organisations/${ids.org.supplier.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(supplierOrgName);
    expect(html).toContain(supplier.displayName);
    expect(html).toContain(supplier.email);
  });

  it("answers 404 for another organisation's page and reveals nothing of it [REQ-P11-ACCESS-01]", async () => {
    for (const other of [ids.org.distributor, ids.org.manufacturer]) {
      const res = await asSupplier.get(`/organisations/${other.id}`);
      expect(res.status, other.name).toBe(404);
      const html = await res.text();
      expect(html).not.toContain(other.name);
      expect(html).not.toContain(other.id === ids.org.distributor.id ? distributor.email : admin.email);
      expect(html).not.toContain(other.id === ids.org.distributor.id ? distributor.displayName : admin.displayName);
    }
    // An organisation that does not exist answers the same, so existence is not revealed either.
    const missing = await asSupplier.get('/organisations/org_doesnotexist');
    expect(missing.status).toBe(404);
  });

  it("refuses to remove another user's passkey, which stays in the database [REQ-P11-ESIG-04]", async () => {
    const theirs = await insertPasskey(db, ids.user[distributor.email]!.id, 'Jonas YubiKey');

    const res = await asSupplier.postForm('/account/passkeys?/remove', { id: theirs });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('Jonas YubiKey');
    expect(await db.get('SELECT id, user_id FROM passkey_credentials WHERE id = ?', [theirs])).toEqual({ id: theirs, user_id: ids.user[distributor.email]!.id });
    expect(await db.get("SELECT seq FROM audit_log WHERE action = 'passkey.removed' AND entity_id = ?", [theirs])).toBeUndefined();
  });

  it('does remove the signed-in user’s own passkey through the same form (the refusal above is not an accident)', async () => {
    const mine = await insertPasskey(db, ids.user[supplier.email]!.id, 'Wang phone');

    // With the current password in the same request (a session alone removes nothing).
    const res = await asSupplier.postForm('/account/passkeys?/remove', { id: mine, password: demoPassword });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Passkey removed.');
    expect(await db.get('SELECT id FROM passkey_credentials WHERE id = ?', [mine])).toBeUndefined();
    expect(await db.get("SELECT organisation_id FROM audit_log WHERE action = 'passkey.removed' AND entity_id = ?", [mine])).toEqual({
      organisation_id: ids.org.supplier.id,
    });
  });

  it("lists only the signed-in user's passkeys [REQ-P11-PASSKEY-01]", async () => {
    await insertPasskey(db, ids.user[distributor.email]!.id, 'Jonas laptop');
    await insertPasskey(db, ids.user[supplier.email]!.id, 'Wang tablet');

    const res = await asSupplier.get('/account/passkeys');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Wang tablet');
    expect(html).not.toContain('Jonas laptop');
  });

  it("shows a supplier only its own organisation's audit entries, without the chain verdict", async () => {
    const res = await asSupplier.get('/audit');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(supplier.email); // its own user.created entry
    expect(html).not.toContain(distributor.email);
    expect(html).not.toContain(distributor.displayName);
    expect(html).not.toContain(ids.org.distributor.id);
    expect(html).not.toContain(distributorOrgName); // its organisation.created entry
    expect(html).not.toContain('data-testid="chain-status"');

    const asAdmin = new BrowserClient(server.url);
    await signInDirectly(asAdmin, db, admin.email);
    const all = await (await asAdmin.get('/audit')).text();
    expect(all).toContain(distributor.email);
    expect(all).toContain(supplier.email);
    expect(all).toContain('data-testid="chain-status"');
  });

  it('sends an anonymous visitor of /home to the login page, remembering where they were going [REQ-P11-ACCESS-01]', async () => {
    const anonymous = new BrowserClient(server.url);
    const res = await anonymous.get('/home');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?redirectTo=%2Fhome');

    const org = await anonymous.get(`/organisations/${ids.org.supplier.id}`);
    expect(org.status).toBe(303);
    expect(org.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent(`/organisations/${ids.org.supplier.id}`)}`);
    expect(await org.text()).not.toContain(supplierOrgName);
  });

  const loginPost = (origin: string) =>
    fetch(new URL('/login', server.url), {
      method: 'POST',
      body: new URLSearchParams({ email: supplier.email, password: demoPassword }),
      headers: { origin, accept: 'text/html' },
      redirect: 'manual',
    });

  it('refuses a cross-origin form post to /login with 403 (SvelteKit CSRF check)', async () => {
    const evil = await loginPost('http://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.getSetCookie().some((c) => c.startsWith('lotbridge_session='))).toBe(false);
  });

  it('accepts the same form post from its own origin (so the 403 above is the origin check)', async () => {
    const same = await loginPost(new URL(server.url).origin);
    expect(same.status).toBe(303);
    expect(same.headers.getSetCookie().some((c) => c.startsWith('lotbridge_session='))).toBe(true);
  });

  it("refuses a cross-origin post that rides on a signed-in user's cookie", async () => {
    const mine = await insertPasskey(db, ids.user[supplier.email]!.id, 'Wang security key');
    const res = await fetch(new URL('/account/passkeys?/remove', server.url), {
      method: 'POST',
      body: new URLSearchParams({ id: mine }),
      headers: { origin: 'http://evil.example', cookie: `lotbridge_session=${asSupplier.cookies.get('lotbridge_session')}`, accept: 'text/html' },
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect(await db.get('SELECT id FROM passkey_credentials WHERE id = ?', [mine])).toEqual({ id: mine });
  });

  it.each([
    ['/login/passkey/options', false],
    ['/login/passkey/verify', false],
    ['/account/passkeys/register/options', true],
    ['/account/passkeys/register/verify', true],
  ])('refuses a cross-origin or origin-less JSON post to %s, which the form check does not cover', async (path, signedIn) => {
    const challengesBefore = await db.get('SELECT COUNT(*) AS n FROM webauthn_challenges');
    const cookie: Record<string, string> = signedIn ? { cookie: `lotbridge_session=${asSupplier.cookies.get('lotbridge_session')}` } : {};
    for (const origin of [{ origin: 'http://evil.example' }, {}] as Record<string, string>[]) {
      const res = await fetch(new URL(path, server.url), { method: 'POST', headers: { ...origin, ...cookie }, body: '' });
      expect(res.status, JSON.stringify(origin)).toBe(403);
    }
    expect(await db.get('SELECT COUNT(*) AS n FROM webauthn_challenges')).toEqual(challengesBefore);
    const same = await fetch(new URL(path, server.url), { method: 'POST', headers: { origin: new URL(server.url).origin, ...cookie }, body: '' });
    expect(same.status).not.toBe(403);
  });
});

describe('tenant isolation in the use cases', () => {
  let t: TestDatabase;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const actors: Record<string, Actor> = {};

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    ids = await demoIds(t.db);
    for (const u of demoUsers) {
      const { token } = await signInWithPassword(t.ctx, { email: u.email, password: demoPassword });
      actors[u.role] = (await validateSessionToken(t.db, t.clock, t.ctx.policy, token))!.actor;
    }
  });
  afterAll(() => t?.close());

  it("getOrganisation throws not_found for another organisation's id", async () => {
    const error = await getOrganisation(t.ctx, actors.supplier_user!, ids.org.distributor.id).catch((e: unknown) => e);
    expect(isAppError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
    // The manufacturer's staff are no exception for another organisation's member list.
    await expect(getOrganisation(t.ctx, actors.manufacturer_admin!, ids.org.supplier.id)).rejects.toMatchObject({ code: 'not_found' });

    const own = await getOrganisation(t.ctx, actors.supplier_user!, ids.org.supplier.id);
    expect(own).toMatchObject({ id: ids.org.supplier.id, name: supplierOrgName, kind: 'supplier' });
    expect(own.members.map((m) => m.email)).toEqual([supplier.email]);
  });

  it("listAuditTrail gives a supplier its organisation's entries only, and the manufacturer all of them [REQ-P11-ACCESS-01]", async () => {
    const all = await t.db.all<{ organisation_id: string }>('SELECT organisation_id FROM audit_log');
    const supplierCount = all.filter((e) => e.organisation_id === ids.org.supplier.id).length;
    expect(supplierCount).toBeGreaterThan(0);
    expect(supplierCount).toBeLessThan(all.length);

    const forSupplier = await listAuditTrail(t.ctx, actors.supplier_user!, { limit: 200 });
    expect(forSupplier.entries).toHaveLength(supplierCount);
    expect(new Set(forSupplier.entries.map((e) => e.organisation_id))).toEqual(new Set([ids.org.supplier.id]));

    // Filters do not widen the scope: the distributor user's own entries stay hidden.
    const probing = await listAuditTrail(t.ctx, actors.supplier_user!, { entityType: 'user', entityId: ids.user[distributor.email]!.id });
    expect(probing.entries).toEqual([]);

    const forManufacturer = await listAuditTrail(t.ctx, actors.manufacturer_qa!, { limit: 200 });
    expect(forManufacturer.entries).toHaveLength(all.length);
    expect(new Set(forManufacturer.entries.map((e) => e.organisation_id))).toEqual(
      new Set([ids.org.manufacturer.id, ids.org.supplier.id, ids.org.distributor.id]),
    );
  });

  it("removePasskey and listPasskeys never reach another user's passkey [REQ-P11-ESIG-04]", async () => {
    const theirs = await insertPasskey(t.db, ids.user[distributor.email]!.id, 'Jonas key');

    const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
    const remove = (actor: Actor) => removePasskey(t.ctx, actor, rp, { sessionId: 'ses_x', credentialId: theirs, credential: { password: demoPassword }, locale: 'en' });
    await expect(remove(actors.supplier_user!)).rejects.toMatchObject({ code: 'not_found' });
    // Not even a colleague in the manufacturer's admin role.
    await expect(remove(actors.manufacturer_admin!)).rejects.toMatchObject({ code: 'not_found' });
    expect(await t.db.get('SELECT id FROM passkey_credentials WHERE id = ?', [theirs])).toEqual({ id: theirs });
    expect(await listPasskeys(t.ctx, actors.supplier_user!)).toEqual([]);
    expect((await listPasskeys(t.ctx, actors.distributor_user!)).map((p) => p.id)).toEqual([theirs]);
  });
});
