// Sign-in answers tell nothing about which addresses exist, and a lock cannot be used to keep
// someone out from anywhere: failures are counted per source and per (address, source); the
// Part 11 account lock (threshold, audit, alert) stays, but it does not shut out the owner's
// own sources; an administrator can unlock. Use cases on a real SQLite file with a fixed
// clock, then the login form and the unlock action over real HTTP, sources given by
// X-Forwarded-For behind TRUST_PROXY.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, type SecurityPolicy } from '../../shared/auth/policy.ts';
import { signInWithPassword } from '../../shared/auth/sign-in-with-password.ts';
import { perSourceLimit } from '../../shared/auth/sign-in-throttle.ts';
import { listLockedAccounts, unlockAccount } from '../../shared/auth/unlock-account.ts';
import { listSecurityAlerts } from '../../shared/audit/list-security-alerts.ts';
import { finishPasskeyRegistration, startPasskeyRegistration } from '../../shared/auth/register-passkey.ts';
import { finishPasskeySignIn, startPasskeySignIn } from '../../shared/auth/sign-in-with-passkey.ts';
import { SoftwareAuthenticator } from '../support/software-authenticator.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import type { Db } from '../../shared/db/index.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';

const policy: SecurityPolicy = { ...defaultPolicy, lockoutThreshold: 3, lockoutMs: 15 * 60_000 };
const supplier = demo('supplier_user');
const distributor = demo('distributor_user');
const qa = demo('manufacturer_qa');
const admin = demo('manufacturer_admin');

type Outcome = string;
const outcome = (attempt: Promise<unknown>): Promise<Outcome> =>
  attempt.then(
    () => 'signed in',
    (e: { code: string; status: number }) => `${e.code} ${e.status}`,
  );

describe('sign-in throttling and the account lock (use cases)', () => {
  let t: TestDatabase;
  const signIn = (email: string, password: string, source: string) => signInWithPassword(t.ctx, { email, password, source });
  const userRow = (email: string) => t.db.get<{ id: string; failed_attempts: number; locked_until: string | null }>('SELECT id, failed_attempts, locked_until FROM users WHERE email = ?', [email]);
  const auditFor = async (email: string) =>
    t.db.all<{ action: string; reason: string | null; new_values: string | null; old_values: string | null }>(
      "SELECT action, reason, new_values, old_values FROM audit_log WHERE entity_id = ? AND action LIKE 'auth.%' ORDER BY seq",
      [(await userRow(email))!.id],
    );
  async function lockFrom(email: string, source: string): Promise<string> {
    for (let i = 1; i <= policy.lockoutThreshold; i++) await signIn(email, `wrong ${i}`, source).catch(() => undefined);
    const lockedUntil = (await userRow(email))!.locked_until;
    expect(lockedUntil).not.toBeNull();
    return lockedUntil!;
  }

  beforeAll(async () => {
    t = await testDatabase(policy);
    await seedDemo(t.ctx);
  });
  afterAll(() => t.close());
  afterEach(async () => {
    // Each test starts unlocked and uncounted.
    await t.db.run('UPDATE users SET failed_attempts = 0, locked_until = NULL');
    await t.db.run('DELETE FROM sign_in_throttle');
    await t.db.run('DELETE FROM sign_in_sources');
    t.clock.advance(24 * 3_600_000);
  });

  it('answers a locked account from another source exactly like an unknown address and a wrong password', async () => {
    await lockFrom(qa.email, '198.51.100.1');
    const auditBefore = (await auditFor(qa.email)).length;

    const probe = '203.0.113.9';
    const answers = {
      lockedRightPassword: await outcome(signIn(qa.email, demoPassword, probe)),
      lockedWrongPassword: await outcome(signIn(qa.email, 'a guess', probe)),
      unknownAddress: await outcome(signIn('nobody@meridian-medical.example', demoPassword, probe)),
      wrongPassword: await outcome(signIn(supplier.email, 'a guess', probe)),
    };
    expect(answers).toEqual({
      lockedRightPassword: 'invalid_credentials 401',
      lockedWrongPassword: 'invalid_credentials 401',
      unknownAddress: 'invalid_credentials 401',
      wrongPassword: 'invalid_credentials 401',
    });
    // The lock's refusals are still in the audit trail (21 CFR 11.300(d)); no session anywhere.
    const refusals = (await auditFor(qa.email)).slice(auditBefore);
    expect(refusals.map((a) => [a.action, a.reason])).toEqual([
      ['auth.sign_in_refused', 'account locked'],
      ['auth.sign_in_refused', 'account locked'],
    ]);
    expect(await t.db.get('SELECT COUNT(*) AS n FROM sessions')).toEqual({ n: 0 });
  });

  it('keeps the Part 11 lock with its audit entries and alert, from failures spread over several sources', async () => {
    const auditBefore = (await auditFor(qa.email)).length;
    await signIn(qa.email, 'wrong 1', '198.51.100.1').catch(() => undefined);
    await signIn(qa.email, 'wrong 2', '198.51.100.2').catch(() => undefined);
    expect(await outcome(signIn(qa.email, 'wrong 3', '198.51.100.3'))).toBe('invalid_credentials 401');
    expect((await userRow(qa.email))!.locked_until).not.toBeNull();
    expect((await auditFor(qa.email)).slice(auditBefore).map((a) => a.action)).toEqual(['auth.sign_in_failed', 'auth.sign_in_failed', 'auth.sign_in_failed', 'auth.account_locked']);
    const alerts = await listSecurityAlerts(t.ctx, await actorFor(t.db, admin.email));
    expect(alerts[0]).toMatchObject({ action: 'auth.account_locked', userEmail: qa.email });
  });

  it('lets the owner in from a source they signed in from before, while the lock stands for everyone else', async () => {
    await signIn(qa.email, demoPassword, '192.0.2.10'); // the office
    const lockedUntil = await lockFrom(qa.email, '198.51.100.1');

    expect(await outcome(signIn(qa.email, demoPassword, '192.0.2.10'))).toBe('signed in');
    expect(await outcome(signIn(qa.email, demoPassword, '203.0.113.9'))).toBe('invalid_credentials 401');
    expect((await userRow(qa.email))!.locked_until).toBe(lockedUntil);
    const signedIn = (await auditFor(qa.email)).filter((a) => a.action === 'auth.signed_in').at(-1)!;
    expect(JSON.parse(signedIn.new_values!)).toEqual({ method: 'password', whileLocked: true, lockedUntil });

    // The attacker's own source stays refused, and says so (423) only there.
    expect(await outcome(signIn(qa.email, demoPassword, '198.51.100.1'))).toBe('account_locked 423');
  });

  it('takes a passkey during the lock from a source the owner signed in from, not from elsewhere', async () => {
    const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
    const authenticator = new SoftwareAuthenticator(rp);
    const owner = await actorFor(t.db, qa.email);
    const { challengeId, options } = await startPasskeyRegistration(t.ctx, owner, rp, { sessionId: 'ses_test', credential: { password: demoPassword } });
    await finishPasskeyRegistration(t.ctx, owner, rp, { sessionId: 'ses_test', challengeId, name: 'QA laptop', response: authenticator.register(options), locale: 'en' });
    const withPasskey = async (source: string) => {
      const started = await startPasskeySignIn(t.ctx, rp);
      return outcome(finishPasskeySignIn(t.ctx, rp, { challengeId: started.challengeId, response: authenticator.authenticate(started.options), source }));
    };
    expect(await withPasskey('192.0.2.10')).toBe('signed in'); // the office, remembered
    await lockFrom(qa.email, '198.51.100.1');

    expect(await withPasskey('192.0.2.10')).toBe('signed in');
    expect(await withPasskey('203.0.113.9')).toBe('account_locked 423');
  });

  it("slows down a source that fails over many addresses, and nobody else", async () => {
    const noisy = '198.51.100.66';
    for (let i = 0; i < perSourceLimit(policy); i++) {
      expect(await outcome(signIn(`guess${i}@meridian-medical.example`, 'a guess', noisy))).toBe('invalid_credentials 401');
    }
    // Now every attempt from there is refused before any check, even a right password.
    expect(await outcome(signIn(supplier.email, demoPassword, noisy))).toBe('too_many_attempts 429');
    expect(await outcome(signIn('nobody@meridian-medical.example', 'x', noisy))).toBe('too_many_attempts 429');
    expect((await userRow(supplier.email))!.failed_attempts).toBe(0);
    // Another source is not affected, and neither is the account.
    expect(await outcome(signIn(supplier.email, demoPassword, '192.0.2.20'))).toBe('signed in');
    // The block ends with the lockout period.
    t.clock.advance(policy.lockoutMs);
    expect(await outcome(signIn(supplier.email, demoPassword, noisy))).toBe('signed in');
  });

  it('is unlocked by a manufacturer administrator, audited; refused to other roles and to another organisation', async () => {
    const lockedUntil = await lockFrom(supplier.email, '198.51.100.1');
    const supplierId = (await userRow(supplier.email))!.id;
    const supplierActor = await actorFor(t.db, supplier.email);
    const distributorActor = await actorFor(t.db, distributor.email);
    const qaActor = await actorFor(t.db, qa.email);
    for (const actor of [supplierActor, distributorActor, qaActor]) {
      await expect(unlockAccount(t.ctx, actor, supplierId)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(listLockedAccounts(t.ctx, actor)).rejects.toMatchObject({ code: 'forbidden' });
    }
    // Another organisation's own administrator (memberships.administers).
    await t.db.run('UPDATE memberships SET administers = 1 WHERE user_id = ?', [distributorActor.userId]);
    const otherOrgAdmin = distributorActor;
    await expect(unlockAccount(t.ctx, otherOrgAdmin, supplierId)).rejects.toMatchObject({ code: 'not_found' });
    expect(await listLockedAccounts(t.ctx, otherOrgAdmin)).toEqual([]);
    expect((await userRow(supplier.email))!.locked_until).toBe(lockedUntil);

    const adminActor = await actorFor(t.db, admin.email);
    expect((await listLockedAccounts(t.ctx, adminActor)).map((l) => l.email)).toEqual([supplier.email]);
    await unlockAccount(t.ctx, adminActor, supplierId);
    expect(await userRow(supplier.email)).toMatchObject({ failed_attempts: 0, locked_until: null });
    const unlocked = (await auditFor(supplier.email)).at(-1)!;
    expect(unlocked.action).toBe('auth.account_unlocked');
    expect(JSON.parse(unlocked.old_values!)).toMatchObject({ lockedUntil });
    expect(JSON.parse(unlocked.new_values!)).toMatchObject({ lockedUntil: null, sourceBlocksEnded: 1 });
    // Also from the source whose failures locked it.
    expect(await outcome(signIn(supplier.email, demoPassword, '198.51.100.1'))).toBe('signed in');
    expect(await listLockedAccounts(t.ctx, adminActor)).toEqual([]);
  });
});

describe('the login form and the unlock action over HTTP', () => {
  let server: RunningServer;
  let db: Db;
  const from = (source: string) => ({ 'x-forwarded-for': `10.9.9.9, ${source}` });
  /** The page as a comparison sees it: the echoed address aside, byte for byte. */
  const normalised = (html: string, email: string) => html.replaceAll(email, 'EMAIL').replace(/nonce="[^"]*"/g, 'nonce=""');
  const attempt = async (client: BrowserClient, email: string, password: string, source: string) => {
    const res = await client.request('/login', { method: 'POST', body: new URLSearchParams({ email, password }), headers: { accept: 'text/html', ...from(source) } });
    return { status: res.status, body: normalised(await res.text(), email) };
  };

  beforeAll(async () => {
    server = await startBuiltServer({ TRUST_PROXY: 'true' });
    db = openServerDb(server);
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('answers unknown address, wrong password and locked account alike to an unrelated source (same status, same page)', async () => {
    const client = new BrowserClient(server.url);
    for (let i = 1; i <= 5; i++) await attempt(client, qa.email, `wrong ${i}`, '198.51.100.1');
    expect(await db.get('SELECT locked_until IS NOT NULL AS locked FROM users WHERE email = ?', [qa.email])).toEqual({ locked: 1 });

    const probe = '203.0.113.9';
    const unknown = await attempt(client, 'nobody@meridian-medical.example', demoPassword, probe);
    const wrong = await attempt(client, supplier.email, 'a guess', probe);
    const locked = await attempt(client, qa.email, demoPassword, probe);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toContain('The e-mail address or password is wrong.');
    expect(wrong).toEqual(unknown);
    expect(locked).toEqual(unknown);
    expect(client.cookies.size).toBe(0);
  });

  it('throttles the one source that keeps failing, whatever address it types', async () => {
    const client = new BrowserClient(server.url);
    const noisy = '198.51.100.77';
    for (let i = 0; i < 4 * 5; i++) expect((await attempt(client, `guess${i}@example.com`, 'x', noisy)).status).toBe(401);
    const refused = await attempt(client, distributor.email, demoPassword, noisy);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/Too many failed sign-ins from your network\. Try again after \d\d:\d\d UTC\./);
    // The same account from elsewhere is fine.
    const elsewhere = await client.request('/login', { method: 'POST', body: new URLSearchParams({ email: distributor.email, password: demoPassword }), headers: { accept: 'text/html', ...from('192.0.2.30') } });
    expect(elsewhere.status).toBe(303);
  });

  it('lets only an administrator unlock, audited; anonymous, supplier and distributor are refused [REQ-P11-PWD-02]', async () => {
    const qaId = (await db.get<{ id: string }>('SELECT id FROM users WHERE email = ?', [qa.email]))!.id;
    const anonymous = new BrowserClient(server.url);
    const res = await anonymous.postForm('/home?/unlock', { userId: qaId });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/login/);

    // Other roles, of another organisation (supplier, distributor); manufacturer QA is refused in the use-case test above.
    for (const who of [supplier, distributor]) {
      const client = new BrowserClient(server.url);
      await client.signInOrThrow(who.email, demoPassword);
      const refused = await client.postForm('/home?/unlock', { userId: qaId });
      expect(refused.status).toBe(403);
    }
    expect(await db.get('SELECT locked_until IS NOT NULL AS locked FROM users WHERE email = ?', [qa.email])).toEqual({ locked: 1 });

    const asAdmin = new BrowserClient(server.url);
    await asAdmin.signInOrThrow(admin.email, demoPassword);
    const home = await (await asAdmin.get('/home')).text();
    expect(home).toContain(`Unlock ${qa.email}`);
    const done = await asAdmin.postForm('/home?/unlock', { userId: qaId });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`${qa.email} was unlocked.`);
    expect(await db.get('SELECT locked_until FROM users WHERE email = ?', [qa.email])).toEqual({ locked_until: null });
    const audit = await db.get<{ actor_name: string }>("SELECT actor_name FROM audit_log WHERE action = 'auth.account_unlocked' AND entity_id = ?", [qaId]);
    expect(audit).toEqual({ actor_name: admin.displayName });
    // QA signs in again, also from the source that locked the account.
    const back = await new BrowserClient(server.url).request('/login', { method: 'POST', body: new URLSearchParams({ email: qa.email, password: demoPassword }), headers: { accept: 'text/html', ...from('198.51.100.1') } });
    expect(back.status).toBe(303);
  });
});

describe('X-Forwarded-For without TRUST_PROXY', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startBuiltServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is ignored: a client cannot escape its count by sending a different address each time', async () => {
    const client = new BrowserClient(server.url);
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await client.request('/login', {
        method: 'POST',
        body: new URLSearchParams({ email: 'someone@example.com', password: `guess ${i}` }),
        headers: { accept: 'text/html', 'x-forwarded-for': `198.51.100.${i}` },
      });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
  });
});
