import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, type SecurityPolicy } from '../../shared/auth/policy.ts';
import { createSession, sessionCookieName, validateSessionToken } from '../../shared/auth/session.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { AuditRow } from '../../shared/audit/entry.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';

const minute = 60_000;
const setup = { type: 'system' as const, name: 'integration setup' };

const open: TestDatabase[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function withUser(policy: SecurityPolicy = defaultPolicy) {
  const t = await testDatabase(policy);
  open.push(t);
  const org = await createOrganisation(t.ctx, setup, { name: 'Rhein Medical Distribution GmbH', kind: 'distributor' });
  const user = await addUser(t.ctx, setup, { email: 'jonas@rhein.example', displayName: 'Jonas Weber', password: 'a long enough password', role: 'distributor_user', organisationId: org.id });
  const newSession = () => t.db.transaction((tx) => createSession(tx, t.clock, policy, { userId: user.id, organisationId: org.id, authMethod: 'password' }));
  const validate = (token: string) => validateSessionToken(t.db, t.clock, policy, token);
  const sessionRow = (id: string) => t.db.get<{ last_active_at: string; expires_at: string }>('SELECT last_active_at, expires_at FROM sessions WHERE id = ?', [id]);
  const endings = () => t.db.all<AuditRow>("SELECT * FROM audit_log WHERE action = 'auth.session_ended' ORDER BY seq");
  return { t, org, user, newSession, validate, sessionRow, endings };
}

describe('sessions (shared/auth/session.ts) on a real database with a controlled clock', () => {
  it('is valid right away and carries the actor', async () => {
    const { newSession, validate, user, org } = await withUser();
    const { token, session } = await newSession();

    expect(token).toMatch(/^[a-z2-7]+\.[a-z2-7]+$/);
    expect(token.split('.')[0]).toBe(session.id);
    const valid = await validate(token);
    expect(valid).not.toBeNull();
    expect(valid!.session.id).toBe(session.id);
    expect(valid!.actor).toMatchObject({ userId: user.id, displayName: 'Jonas Weber', organisationId: org.id, organisationKind: 'distributor', role: 'distributor_user' });
  });

  it('refuses a token with the right id but a wrong secret, and leaves the real session alone', async () => {
    const { newSession, validate, sessionRow } = await withUser();
    const { token, session } = await newSession();
    const other = await newSession();
    const [id, secret] = token.split('.') as [string, string];
    const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');

    expect(await validate(`${id}.${flipped}`)).toBeNull();
    expect(await validate(`${id}.${other.token.split('.')[1]}`)).toBeNull();
    expect(await validate(`${id}.`)).toBeNull();
    expect(await validate(id)).toBeNull();
    expect(await sessionRow(session.id)).toBeDefined();
    expect(await validate(token)).not.toBeNull();
  });

  it('slides the inactivity window with activity', async () => {
    const { t, newSession, validate, sessionRow } = await withUser();
    const { token, session } = await newSession();

    t.clock.advance(10 * minute);
    expect(await validate(token)).not.toBeNull();
    expect((await sessionRow(session.id))!.last_active_at).toBe(t.clock.now().toISOString());

    // 20 minutes after sign-in, but only 10 after the last request: still valid.
    t.clock.advance(10 * minute);
    expect(await validate(token)).not.toBeNull();
    t.clock.advance(14 * minute);
    expect(await validate(token)).not.toBeNull();
  });

  it('slides a one-minute window too (the shortest SESSION_INACTIVITY_MINUTES allows)', async () => {
    const policy = { ...defaultPolicy, inactivityMs: minute };
    const { t, newSession, validate } = await withUser(policy);
    const { token } = await newSession();

    t.clock.advance(40_000);
    expect(await validate(token)).not.toBeNull();
    // 80 s after sign-in but 40 s after the last request: within the window.
    t.clock.advance(40_000);
    expect(await validate(token), 'valid 40 s after the last request').not.toBeNull();
  });

  it('ends after 15 minutes without activity: row deleted, timeout audited [REQ-P11-SESSION-01]', async () => {
    const { t, newSession, validate, sessionRow, endings, user, org } = await withUser();
    const { token, session } = await newSession();
    t.clock.advance(5 * minute);
    expect(await validate(token)).not.toBeNull();
    const lastActivity = t.clock.now().getTime();

    t.clock.advance(15 * minute);
    expect(await validate(token)).toBeNull();

    expect(await sessionRow(session.id)).toBeUndefined();
    const ended = await endings();
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      actor_type: 'system',
      organisation_id: org.id,
      entity_type: 'user',
      entity_id: user.id,
      reason: 'inactivity timeout',
      at: new Date(lastActivity + 15 * minute).toISOString(),
    });
    // Asking again neither revives it nor audits the ending twice.
    expect(await validate(token)).toBeNull();
    expect(await endings()).toHaveLength(1);
  });

  it('ends at the absolute ceiling however active the user is [REQ-P11-SESSION-01]', async () => {
    const policy = { ...defaultPolicy, sessionMaxMs: 2 * 3_600_000 };
    const { t, newSession, validate, sessionRow, endings } = await withUser(policy);
    const { token, session } = await newSession();
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(2 * 3_600_000);

    for (let elapsed = 10; elapsed < 120; elapsed += 10) {
      t.clock.advance(10 * minute);
      expect(await validate(token), `still valid after ${elapsed} minutes of steady activity`).not.toBeNull();
    }
    t.clock.advance(10 * minute); // 120 minutes: the ceiling
    expect(await validate(token)).toBeNull();

    expect(await sessionRow(session.id)).toBeUndefined();
    expect((await endings()).map((e) => e.reason)).toEqual(['session lifetime reached']);
  });

  it('ends the session of a user who was disabled [REQ-P11-SESSION-01]', async () => {
    const { t, newSession, validate, endings, user } = await withUser();
    const { token } = await newSession();
    await t.db.run('UPDATE users SET disabled_at = ? WHERE id = ?', [t.clock.now().toISOString(), user.id]);

    expect(await validate(token)).toBeNull();
    expect((await endings()).map((e) => e.reason)).toEqual(['user disabled or no longer a member']);
  });

  it('stores only the SHA-256 of the secret, never the secret or the token [REQ-P11-SESSION-01]', async () => {
    const { t, newSession } = await withUser();
    const { token, session } = await newSession();
    const secret = token.split('.')[1]!;

    const row = await t.db.get<Record<string, unknown> & { secret_hash: ArrayBuffer }>('SELECT * FROM sessions WHERE id = ?', [session.id]);
    const stored = Buffer.from(row!.secret_hash);
    expect(stored.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(stored.toString('utf8')).not.toContain(secret);
    for (const value of Object.values(row!)) {
      if (typeof value === 'string') expect(value).not.toContain(secret);
    }
  });
});

describe('sessions through the portal', () => {
  let server: RunningServer;
  const jonas = demo('distributor_user');

  beforeAll(async () => {
    server = await startBuiltServer({ SESSION_INACTIVITY_MINUTES: '1' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('signs in with a hardened cookie whose expiry is the configured inactivity window', async () => {
    const client = new BrowserClient(server.url);
    const res = await client.signIn(jonas.email, demoPassword);

    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/home');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${sessionCookieName}=`));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    // SESSION_INACTIVITY_MINUTES=1: the cookie lapses a minute after this response.
    const expires = Date.parse(/Expires=([^;]+)/i.exec(cookie!)![1]!);
    const sent = Date.parse(res.headers.get('date')!);
    expect(expires - sent).toBeGreaterThanOrEqual(59_000);
    expect(expires - sent).toBeLessThanOrEqual(61_000);
  });

  it('shows /home to the signed-in user, and after POST /logout sends /home to the login page', async () => {
    const client = new BrowserClient(server.url);
    await client.signInOrThrow(jonas.email, demoPassword);
    const token = client.cookies.get(sessionCookieName)!;

    const home = await client.get('/home');
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain(jonas.displayName);
    expect(html).toContain('Rhein Medical Distribution GmbH');
    expect(html).toMatch(/after 1 minutes? without activity/);
    expect(home.headers.get('cache-control')).toContain('no-store');

    const out = await client.postForm('/logout', {});
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/login?signedOut');
    expect(client.cookies.has(sessionCookieName)).toBe(false);

    const after = await client.get('/home');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login?redirectTo=%2Fhome');

    // The session ended on the server, not only in the cookie jar: replaying the old token fails.
    const replay = new BrowserClient(server.url);
    replay.cookies.set(sessionCookieName, token);
    const replayed = await replay.get('/home');
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/login\?redirectTo=%2Fhome&ended=1$/);
  });

  it('follows redirectTo after sign-in only to a path of this site', async () => {
    const origin = new URL(server.url).origin;
    const inside = new BrowserClient(server.url);
    const ok = await inside.postForm(`/login?redirectTo=${encodeURIComponent('/account/passkeys')}`, { email: jonas.email, password: demoPassword });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/account/passkeys');

    for (const target of ['https://evil.example/', '//evil.example/', '/\\evil.example/', '/\t/evil.example/', '/\n/evil.example/']) {
      const client = new BrowserClient(server.url);
      const res = await client.postForm(`/login?redirectTo=${encodeURIComponent(target)}`, { email: jonas.email, password: demoPassword });
      // Every target is checked (soft assertions), so one run reports all that go wrong.
      expect.soft(res.status, `redirectTo=${JSON.stringify(target)}`).toBe(303);
      // Where a browser goes: it resolves Location against the page, dropping tabs and newlines.
      const landing = new URL(res.headers.get('location') ?? '/', `${origin}/login`);
      expect.soft(landing.origin, `redirectTo=${JSON.stringify(target)} led to ${landing.href}`).toBe(origin);
    }
  });

  it('answers a non-ASCII redirect target with a safe redirect home, never a 500 or another host', async () => {
    const origin = new URL(server.url).origin;
    // An ideographic space, a no-break space, a line separator: browsers fold or strip such characters.
    for (const target of ['/\u3000/evil.example', '/\u00a0/evil.example/', '/\u2028/evil.example', '/caf\u00e9']) {
      const client = new BrowserClient(server.url);
      const res = await client.postForm(`/login?redirectTo=${encodeURIComponent(target)}`, { email: jonas.email, password: demoPassword });
      expect.soft(res.status, `sign-in with redirectTo=${JSON.stringify(target)}`).toBe(303);
      expect.soft(res.headers.get('location'), `sign-in with redirectTo=${JSON.stringify(target)}`).toBe('/home');
      // Already signed in: the login page's load follows redirectTo too.
      const again = await client.get(`/login?redirectTo=${encodeURIComponent(target)}`);
      expect.soft(again.status, `signed-in GET with redirectTo=${JSON.stringify(target)}`).toBe(303);
      expect.soft(again.headers.get('location')).toBe('/home');
      // The language switch takes a redirectTo from its form.
      const lang = await client.postForm('/lang', { lang: 'en', redirectTo: target });
      expect.soft(lang.status, `language switch with redirectTo=${JSON.stringify(target)}`).toBe(303);
      expect.soft(new URL(lang.headers.get('location') ?? '', `${origin}/lang`).origin).toBe(origin);
    }
  });
});
