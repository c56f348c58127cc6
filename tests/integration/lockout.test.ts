import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, type SecurityPolicy } from '../../shared/auth/policy.ts';
import { signInWithPassword } from '../../shared/auth/sign-in-with-password.ts';
import { validateSessionToken } from '../../shared/auth/session.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { AuditRow } from '../../shared/audit/entry.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';

const policy: SecurityPolicy = { ...defaultPolicy, lockoutThreshold: 3, lockoutMs: 15 * 60_000 };
const email = 'lena@meridian.example';
const password = 'the right password';
const setup = { type: 'system' as const, name: 'integration setup' };

const open: TestDatabase[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function withUser() {
  const t = await testDatabase(policy);
  open.push(t);
  const org = await createOrganisation(t.ctx, setup, { name: 'Meridian Medical Devices Inc.', kind: 'manufacturer' });
  const user = await addUser(t.ctx, setup, { email, displayName: 'Dr. Lena Fischer', password, role: 'manufacturer_qa', organisationId: org.id });
  const auditStart = (await t.db.get<{ n: number }>('SELECT MAX(seq) AS n FROM audit_log'))!.n;
  const signIn = (pw: string, as = email) => signInWithPassword(t.ctx, { email: as, password: pw });
  const newEntries = () => t.db.all<AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq', [auditStart]);
  const state = () => t.db.get<{ failed_attempts: number; locked_until: string | null }>('SELECT failed_attempts, locked_until FROM users WHERE id = ?', [user.id]);
  return { t, org, user, signIn, newEntries, state };
}

describe('lockout after repeated failed sign-ins (threshold 3)', () => {
  it('counts two failures, locks on the third and audits each failure and the lock [REQ-P11-PWD-02]', async () => {
    const { t, user, signIn, newEntries, state } = await withUser();

    await expect(signIn('wrong 1')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await state()).toEqual({ failed_attempts: 1, locked_until: null });
    await expect(signIn('wrong 2')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await state()).toEqual({ failed_attempts: 2, locked_until: null });
    const lockedAt = t.clock.now().getTime();
    await expect(signIn('wrong 3')).rejects.toMatchObject({ code: 'account_locked', status: 423 });

    const lockedUntil = new Date(lockedAt + policy.lockoutMs).toISOString();
    expect((await state())!.locked_until).toBe(lockedUntil);
    const entries = await newEntries();
    expect(entries.map((e) => e.action)).toEqual(['auth.sign_in_failed', 'auth.sign_in_failed', 'auth.sign_in_failed', 'auth.account_locked']);
    expect(entries.map((e) => e.entity_id)).toEqual([user.id, user.id, user.id, user.id]);
    expect(entries.slice(0, 3).map((e) => JSON.parse(e.new_values!).consecutiveFailures)).toEqual([1, 2, 3]);
    expect(entries[3]).toMatchObject({ actor_type: 'system', reason: '3 consecutive failed sign-ins' });
    expect(JSON.parse(entries[3]!.new_values!)).toEqual({ lockedUntil });
    expect(JSON.parse(entries[3]!.old_values!)).toEqual({ lockedUntil: null });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('refuses even the right password while locked, auditing the refusal, and opens no session [REQ-P11-PWD-02]', async () => {
    const { t, signIn, newEntries } = await withUser();
    for (const pw of ['wrong 1', 'wrong 2', 'wrong 3']) await signIn(pw).catch(() => undefined);
    const before = (await newEntries()).length;

    t.clock.advance(policy.lockoutMs - 1_000);
    await expect(signIn(password)).rejects.toMatchObject({ code: 'account_locked' });

    const refusal = (await newEntries()).slice(before);
    expect(refusal.map((e) => e.action)).toEqual(['auth.sign_in_refused']);
    expect(refusal[0]!.reason).toBe('account locked');
    expect(await t.db.get('SELECT COUNT(*) AS n FROM sessions')).toEqual({ n: 0 });
  });

  it('lets the right password in once the lock has run out, and resets the counter', async () => {
    const { t, user, signIn, newEntries, state } = await withUser();
    for (const pw of ['wrong 1', 'wrong 2', 'wrong 3']) await signIn(pw).catch(() => undefined);

    t.clock.advance(policy.lockoutMs);
    const signedIn = await signIn(password);

    expect(await state()).toEqual({ failed_attempts: 0, locked_until: null });
    expect((await validateSessionToken(t.db, t.clock, policy, signedIn.token))!.actor.userId).toBe(user.id);
    expect((await newEntries()).at(-1)!.action).toBe('auth.signed_in');

    // A fresh count: two more failures do not lock again.
    await expect(signIn('wrong 4')).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(signIn('wrong 5')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await state()).toEqual({ failed_attempts: 2, locked_until: null });
  });

  it('resets the count on a successful sign-in before the threshold', async () => {
    const { signIn, state } = await withUser();
    await expect(signIn('wrong 1')).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(signIn('wrong 2')).rejects.toMatchObject({ code: 'invalid_credentials' });

    await signIn(password);
    expect(await state()).toEqual({ failed_attempts: 0, locked_until: null });
    await expect(signIn('wrong 3')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await state()).toEqual({ failed_attempts: 1, locked_until: null });
  });

  it('locks even when the wrong passwords arrive at the same time', async () => {
    const { t, signIn, newEntries, state } = await withUser();

    const results = await Promise.allSettled(Array.from({ length: 2 * policy.lockoutThreshold }, (_, i) => signIn(`parallel guess ${i}`)));

    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(results.some((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'account_locked')).toBe(true);
    expect((await newEntries()).some((e) => e.action === 'auth.account_locked')).toBe(true);
    expect((await state())!.locked_until).not.toBeNull();
    t.clock.advance(1_000);
    await expect(signIn(password)).rejects.toMatchObject({ code: 'account_locked' });
  });

  it('tries no more than the threshold of parallel guesses, and the right one among them does not undo the lock', async () => {
    const { signIn, newEntries, state, t } = await withUser();
    const guesses = Array.from({ length: 6 * policy.lockoutThreshold }, (_, i) => `parallel guess ${i}`);
    guesses.push(password); // the right password arrives last, after the account locked

    const results = await Promise.allSettled(guesses.map((g) => signIn(g)));
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'signed_in' : (r.reason as { code: string }).code));
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(policy.lockoutThreshold - 1);
    expect(codes.filter((c) => c === 'signed_in')).toHaveLength(0);
    expect(codes.filter((c) => c === 'account_locked')).toHaveLength(guesses.length - (policy.lockoutThreshold - 1));
    const entries = await newEntries();
    expect(entries.filter((e) => e.action === 'auth.sign_in_failed')).toHaveLength(policy.lockoutThreshold);
    expect(entries.filter((e) => e.action === 'auth.account_locked')).toHaveLength(1);
    expect((await state())!.locked_until).not.toBeNull();
    expect(await t.db.get('SELECT COUNT(*) AS n FROM sessions')).toEqual({ n: 0 });
  });

  it('answers an unknown e-mail address exactly like an account with wrong passwords, and writes no audit entry', async () => {
    const { t, signIn, newEntries } = await withUser();
    const outcome = (attempt: Promise<unknown>) => attempt.then(() => 'signed in', (e: { code: string; status: number }) => `${e.code} ${e.status}`);

    // Also the lock: after the threshold, an address without an account is "locked" for this
    // source just as a real one is, so locking tells nothing about which addresses exist.
    const unknown: string[] = [];
    for (let i = 0; i < policy.lockoutThreshold + 1; i++) unknown.push(await outcome(signIn(password, 'nobody@meridian.example')));
    expect(await newEntries()).toEqual([]);
    const known: string[] = [];
    for (let i = 0; i < policy.lockoutThreshold + 1; i++) known.push(await outcome(signIn(`wrong ${i}`)));
    expect(unknown).toEqual(known);
    expect(unknown).toEqual([...Array(policy.lockoutThreshold - 1).fill('invalid_credentials 401'), 'account_locked 423', 'account_locked 423']);
    expect(await t.db.get('SELECT COUNT(*) AS n FROM sessions')).toEqual({ n: 0 });
  });
});

describe('lockout through the login form', () => {
  let server: RunningServer;
  const qa = demo('manufacturer_qa');

  beforeAll(async () => {
    server = await startBuiltServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('shows the locked message (423) on the fifth wrong password, and keeps the account locked', async () => {
    const client = new BrowserClient(server.url);
    for (let i = 1; i <= 4; i++) {
      const res = await client.signIn(qa.email, `wrong password ${i}`);
      expect(res.status, `attempt ${i}`).toBe(401);
      const html = await res.text();
      expect(html).toContain('The e-mail address or password is wrong.');
      expect(html).not.toMatch(/locked/i);
    }

    const fifth = await client.signIn(qa.email, 'wrong password 5');
    expect(fifth.status).toBe(423);
    expect(await fifth.text()).toMatch(/this account is locked until \d\d:\d\d UTC/);

    // The right password is refused too, and no session cookie is handed out.
    const right = await client.signIn(qa.email, demoPassword);
    expect(right.status).toBe(423);
    expect(await right.text()).toContain('locked');
    expect(client.cookies.size).toBe(0);

    const db = openServerDb(server);
    try {
      const actions = await db.all<{ action: string }>(
        `SELECT a.action FROM audit_log a JOIN users u ON u.id = a.entity_id WHERE u.email = ? AND a.action LIKE 'auth.%' ORDER BY a.seq`,
        [qa.email],
      );
      expect(actions.map((a) => a.action)).toEqual([...Array(5).fill('auth.sign_in_failed'), 'auth.account_locked', 'auth.sign_in_refused']);
    } finally {
      db.close();
    }
  });
});
