// User lifecycle over the real server (issue 10, 21 CFR 11.10(d), 11.100): a manufacturer
// administrator adds an organisation and invites its administrator; the invitee sets the first
// password through a one-time link (dead after one use, only its hash stored); the
// organisation's administrator invites, disables (every session of the user ends at once) and
// re-enables its own users; everyone changes their own password with the current one (other
// sessions end). Every new route refuses another organisation's administrator, a member
// without the administrator right, another role and an anonymous visitor. Invitation tokens
// appear neither in the access log nor in /admin/mail.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { runCli, type RunningServer } from '../support/server.ts';
import { requestWithHost } from '../support/raw-http.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { mailText, withMailText } from '../support/mail.ts';

const admin = 'admin@meridian-medical.example';
const qa = 'qa@meridian-medical.example';
const rheinUser = 'distributor@rhein-medical.example';
const rheinAdmin = 'it@rhein-medical.example';
const alpenAdmin = 'admin@alpen-med.example';

describe('user lifecycle in the portal', () => {
  let server: RunningServer;
  let db: Db;
  let rhein: string;
  let alpen: string;
  const as: Record<'admin' | 'qa' | 'rheinAdmin' | 'rheinUser' | 'alpenAdmin' | 'anonymous', BrowserClient> = {} as never;

  const userId = async (email: string) => (await db.get<{ id: string }>('SELECT id FROM users WHERE email = ?', [email]))!.id;
  const lastMailTo = async (email: string, purpose: string) =>
    mailText(db, (await db.get<{ id: string; text_body: string }>('SELECT id, text_body FROM mail_messages WHERE to_address = ? AND purpose = ? ORDER BY created_at DESC, rowid DESC LIMIT 1', [email, purpose]))!);
  const inviteTokenOf = async (email: string) => /\/invite\/(inv_[a-z2-7]+)/.exec(await lastMailTo(email, 'user.invitation'))![1]!;

  /** The invitee's whole path: invitation mail, link, password, sign-in. */
  async function acceptInvitation(email: string, password: string): Promise<BrowserClient> {
    const token = await inviteTokenOf(email);
    const client = new BrowserClient(server.url);
    expect((await client.postForm(`/invite/${token}`, { password, confirm: password })).status).toBe(303);
    await client.signInOrThrow(email, password);
    return client;
  }

  beforeAll(async () => {
    // Info level: the access log lines are what one test reads.
    server = await startBuiltServer({ LOG_LEVEL: 'debug' }); // request lines are written at debug
    db = openServerDb(server);
    rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    as.admin = new BrowserClient(server.url);
    await signInDirectly(as.admin, db, admin);
    as.qa = new BrowserClient(server.url);
    await signInDirectly(as.qa, db, qa);
    as.rheinUser = new BrowserClient(server.url);
    await signInDirectly(as.rheinUser, db, rheinUser);
    as.anonymous = new BrowserClient(server.url);
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('a manufacturer administrator adds an organisation; a refusal is shown next to its field', async () => {
    const blank = await as.admin.postForm('/admin/organisations?/add', { name: ' ', kind: 'distributor', erpId: '' });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toMatch(/data-problem="common.required"[^>]*>Required\./);
    const added = await as.admin.postForm('/admin/organisations?/add', { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-20002' });
    expect(added.status).toBe(200);
    alpen = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20002'"))!.id;
    expect(await db.get("SELECT actor_id, new_values FROM audit_log WHERE action = 'organisation.created' AND entity_id = ?", [alpen])).toEqual({
      actor_id: await userId(admin),
      new_values: JSON.stringify({ erpId: 'C-20002', kind: 'distributor', name: 'Alpen Medizintechnik AG' }),
    });
    const list = await (await as.admin.get('/admin/organisations')).text();
    expect(list).toContain('Alpen Medizintechnik AG');
  });

  it('the invitee sets the first password through the link once; then the link is dead [REQ-P11-PWD-03]', async () => {
    const invited = await as.admin.postForm('/users?/invite', { email: 'Admin@Alpen-Med.example', displayName: 'Heidi Frei', role: 'distributor_user', organisationId: alpen, administers: 'yes' });
    expect(invited.status).toBe(200);
    const user = (await db.get<{ id: string; password_hash: string | null }>('SELECT id, password_hash FROM users WHERE email = ?', [alpenAdmin]))!;
    expect(user.password_hash).toBeNull();
    expect(await db.get('SELECT organisation_id, role, administers FROM memberships WHERE user_id = ?', [user.id])).toEqual({ organisation_id: alpen, role: 'distributor_user', administers: 1 });

    const token = await inviteTokenOf(alpenAdmin);
    // Only the token's hash is kept.
    const row = (await db.get<{ token_hash: string; ended_at: string | null }>('SELECT token_hash, ended_at FROM user_invitations WHERE user_id = ?', [user.id]))!;
    expect(row).toEqual({ token_hash: createHash('sha256').update(token).digest('hex'), ended_at: null });

    const page = await as.anonymous.get(`/invite/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Heidi Frei');
    const short = await as.anonymous.postForm(`/invite/${token}`, { password: 'short', confirm: 'short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/data-problem="common.tooShort"[^>]*>Too short: at least 12 characters\./);
    const zh = new BrowserClient(server.url);
    zh.cookies.set('lang', 'zh-CN');
    expect(await (await zh.postForm(`/invite/${token}`, { password: 'kurz', confirm: 'kurz' })).text()).toContain('过短：至少 12 个字符。');
    const set = await as.anonymous.postForm(`/invite/${token}`, { password: 'alpen-admin-2026', confirm: 'alpen-admin-2026' });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/login');
    expect(as.anonymous.cookies.has('lotbridge_session')).toBe(false);

    // Single use: the page and a second password are refused, the first password stands.
    expect((await as.anonymous.get(`/invite/${token}`)).status).toBe(404);
    expect((await as.anonymous.postForm(`/invite/${token}`, { password: 'someone-elses-pass', confirm: 'someone-elses-pass' })).status).toBe(404);
    expect((await as.anonymous.get('/invite/inv_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    as.alpenAdmin = new BrowserClient(server.url);
    await as.alpenAdmin.signInOrThrow(alpenAdmin, 'alpen-admin-2026');
    const audit = await db.all<{ action: string; actor_id: string }>("SELECT action, actor_id FROM audit_log WHERE entity_id = ? AND action LIKE 'user.%' ORDER BY seq", [user.id]);
    expect(audit).toEqual([
      { action: 'user.invited', actor_id: await userId(admin) },
      { action: 'user.password_set', actor_id: user.id },
    ]);
  });

  it("an organisation's administrator invites into their own organisation only", async () => {
    // The manufacturer admin makes Rhein an administrator, who accepts.
    expect((await as.admin.postForm('/users?/invite', { email: rheinAdmin, displayName: 'Petra Lang', role: 'distributor_user', organisationId: rhein, administers: 'yes' })).status).toBe(200);
    as.rheinAdmin = await acceptInvitation(rheinAdmin, 'rhein-admin-2026');

    const wrongRole = await as.alpenAdmin.postForm('/users?/invite', { email: 'qa2@alpen-med.example', displayName: 'Max Muster', role: 'manufacturer_qa' });
    expect(wrongRole.status).toBe(400);
    expect(await wrongRole.text()).toContain('Choose a role that this kind of organisation has.');
    const elsewhere = await as.alpenAdmin.postForm('/users?/invite', { email: 'mole@alpen-med.example', displayName: 'Mole', role: 'distributor_user', organisationId: rhein });
    expect(elsewhere.status).toBe(404);
    expect(await db.get("SELECT id FROM users WHERE email = 'mole@alpen-med.example'")).toBeUndefined();

    const own = await as.alpenAdmin.postForm('/users?/invite', { email: 'lager@alpen-med.example', displayName: 'Urs Lager', role: 'distributor_user' });
    expect(own.status).toBe(200);
    expect(await db.get("SELECT m.organisation_id, m.administers FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'lager@alpen-med.example'")).toEqual({ organisation_id: alpen, administers: 0 });
    const taken = await as.alpenAdmin.postForm('/users?/invite', { email: 'lager@alpen-med.example', displayName: 'Urs Lager', role: 'distributor_user' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('An account with this e-mail address exists already.');

    const list = await (await as.alpenAdmin.get('/users')).text();
    expect(list).toContain('lager@alpen-med.example');
    expect(list).not.toContain(rheinUser);
    expect(list).not.toContain(rheinAdmin);
    // The manufacturer admin sees every organisation's users.
    const all = await (await as.admin.get('/users')).text();
    for (const email of [rheinUser, rheinAdmin, alpenAdmin, 'lager@alpen-med.example', qa]) expect(all).toContain(email);
  });

  it("a disabled user's session cookie stops working on the next request, and they cannot sign in until enabled [REQ-P11-PWD-03]", async () => {
    const target = await userId(rheinUser);
    const home = await as.rheinUser.get('/home');
    expect(home.status).toBe(200);
    await home.text();
    const other = new BrowserClient(server.url);
    await other.signInOrThrow(rheinUser, demoPassword);
    expect(await db.get('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', [target])).toEqual({ n: 2 });

    const disabled = await as.rheinAdmin.postForm('/users?/disable', { userId: target, reason: 'left the company' });
    expect(disabled.status).toBe(200);
    expect(await db.get('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', [target])).toEqual({ n: 0 });
    for (const client of [as.rheinUser, other]) {
      const next = await client.get('/home');
      expect(next.status).toBe(303);
      expect(next.headers.get('location')).toContain('/login');
    }
    const refused = await new BrowserClient(server.url).signIn(rheinUser, demoPassword);
    expect(refused.status).not.toBe(303);
    expect(refused.headers.getSetCookie().join()).not.toContain('lotbridge_session=');
    const entry = (await db.get<{ actor_id: string; old_values: string; new_values: string; reason: string }>(
      "SELECT actor_id, old_values, new_values, reason FROM audit_log WHERE action = 'user.disabled' AND entity_id = ?",
      [target],
    ))!;
    expect(entry.actor_id).toBe(await userId(rheinAdmin));
    expect(JSON.parse(entry.old_values)).toEqual({ disabledAt: null });
    expect(JSON.parse(entry.new_values)).toMatchObject({ sessionsEnded: 2 });
    expect(entry.reason).toBe('left the company');

    // The user list says so; enabling lets them sign in again.
    expect(await (await as.rheinAdmin.get('/users')).text()).toMatch(new RegExp(`data-email="${rheinUser}" data-state="disabled"`));
    expect((await as.rheinAdmin.postForm('/users?/enable', { userId: target })).status).toBe(200);
    await as.rheinUser.signInOrThrow(rheinUser, demoPassword);
    expect(await db.get("SELECT old_values, new_values FROM audit_log WHERE action = 'user.enabled' AND entity_id = ?", [target])).toEqual({
      old_values: JSON.stringify({ disabledAt: JSON.parse(entry.new_values).disabledAt }),
      new_values: JSON.stringify({ disabledAt: null }),
    });
    // Nobody disables themselves.
    const self = await as.rheinAdmin.postForm('/users?/disable', { userId: await userId(rheinAdmin) });
    expect(self.status).toBe(400);
    expect(await self.text()).toContain('You cannot disable your own account.');
  });

  it('every new route refuses another organisation’s administrator, a member without the right, another role and an anonymous visitor [REQ-P11-ACCESS-02]', async () => {
    const target = await userId(rheinUser);
    const lager = await userId('lager@alpen-med.example');
    const before = await db.get('SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM organisations) AS orgs, (SELECT COUNT(*) FROM user_invitations) AS invitations');
    const state = () => db.get<{ disabled_at: string | null }>('SELECT disabled_at FROM users WHERE id = ?', [target]);

    // Another organisation's administrator: Rhein's users are not found.
    for (const action of ['disable', 'enable', 'reinvite', 'administrator']) {
      expect((await as.alpenAdmin.postForm(`/users?/${action}`, { userId: target, administers: 'yes' })).status, action).toBe(404);
    }
    // Rhein's administrator cannot reach Alpen's invitee either.
    expect((await as.rheinAdmin.postForm('/users?/reinvite', { userId: lager })).status).toBe(404);
    expect((await as.rheinAdmin.postForm('/users?/disable', { userId: lager })).status).toBe(404);
    expect((await as.alpenAdmin.get('/admin/organisations')).status).toBe(403);
    expect((await as.alpenAdmin.postForm('/admin/organisations?/add', { name: 'Evil GmbH', kind: 'distributor' })).status).toBe(403);

    // A member of the same organisation without the administrator right, and QA (another role).
    for (const who of ['rheinUser', 'qa'] as const) {
      expect((await as[who].get('/users')).status, who).toBe(403);
      expect((await as[who].postForm('/users?/invite', { email: 'x@rhein-medical.example', displayName: 'X', role: 'distributor_user' })).status, who).toBe(403);
      for (const action of ['disable', 'enable', 'reinvite', 'administrator']) {
        expect((await as[who].postForm(`/users?/${action}`, { userId: lager, administers: 'yes' })).status, `${who} ${action}`).toBe(403);
      }
      expect((await as[who].get('/admin/organisations')).status, who).toBe(403);
      expect((await as[who].postForm('/admin/organisations?/add', { name: 'Evil GmbH', kind: 'distributor' })).status, who).toBe(403);
    }

    // Anonymous: sent to sign in, nothing done.
    const anonymous = new BrowserClient(server.url);
    for (const path of ['/users', '/admin/organisations', '/account/password']) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toContain('/login');
    }
    for (const [path, form] of [
      ['/users?/invite', { email: 'x@rhein-medical.example', displayName: 'X', role: 'distributor_user', organisationId: rhein }],
      ['/users?/disable', { userId: target }],
      ['/users?/enable', { userId: target }],
      ['/users?/reinvite', { userId: lager }],
      ['/users?/administrator', { userId: target, administers: 'yes' }],
      ['/admin/organisations?/add', { name: 'Evil GmbH', kind: 'distributor' }],
      ['/account/password', { current: demoPassword, password: 'taken-over-2026', confirm: 'taken-over-2026' }],
    ] as const) {
      const res = await anonymous.postForm(path, form);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toContain('/login');
    }

    expect(await state()).toEqual({ disabled_at: null });
    expect(await db.get('SELECT administers FROM memberships WHERE user_id = ?', [target])).toEqual({ administers: 0 });
    expect(await db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.administrator_set'")).toEqual({ n: 0 });
    expect(await db.get('SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM organisations) AS orgs, (SELECT COUNT(*) FROM user_invitations) AS invitations')).toEqual(before);
    await as.rheinUser.signInOrThrow(rheinUser, demoPassword);
  });

  it("an organisation's administrator gives and takes the administrator right", async () => {
    const target = await userId(rheinUser);
    expect((await as.rheinAdmin.postForm('/users?/administrator', { userId: target, administers: 'yes' })).status).toBe(200);
    expect((await as.rheinUser.get('/users')).status).toBe(200);
    expect((await as.rheinAdmin.postForm('/users?/administrator', { userId: target, administers: 'no' })).status).toBe(200);
    expect((await as.rheinUser.get('/users')).status).toBe(403);
    expect(await db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.administrator_set' AND entity_id = ?", [target])).toEqual({ n: 2 });
  });

  it('a new invitation link replaces the old one, which is then dead', async () => {
    const old = await inviteTokenOf('lager@alpen-med.example');
    expect((await as.alpenAdmin.postForm('/users?/reinvite', { userId: await userId('lager@alpen-med.example') })).status).toBe(200);
    const fresh = await inviteTokenOf('lager@alpen-med.example');
    expect(fresh).not.toBe(old);
    expect((await as.anonymous.get(`/invite/${old}`)).status).toBe(404);
    expect((await as.anonymous.get(`/invite/${fresh}`)).status).toBe(200);
    // Once the password is set there is nothing to re-invite.
    await acceptInvitation('lager@alpen-med.example', 'urs-lager-2026!');
    expect((await as.alpenAdmin.postForm('/users?/reinvite', { userId: await userId('lager@alpen-med.example') })).status).toBe(409);
  });

  it('a user changes their own password with the current one; their other sessions end, this one stays [REQ-P11-PWD-03]', async () => {
    const me = new BrowserClient(server.url);
    await me.signInOrThrow(rheinUser, demoPassword);
    const elsewhere = new BrowserClient(server.url);
    await elsewhere.signInOrThrow(rheinUser, demoPassword);
    const failuresBefore = (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.sign_in_failed' AND entity_id = ?", [await userId(rheinUser)]))!.n;

    const wrong = await me.postForm('/account/password', { current: 'not-my-password', password: 'rhein-new-pass-2026', confirm: 'rhein-new-pass-2026' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/data-problem="users.wrongPassword"/);
    expect(await db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.sign_in_failed' AND entity_id = ?", [await userId(rheinUser)])).toEqual({ n: failuresBefore + 1 });
    const differ = await me.postForm('/account/password', { current: demoPassword, password: 'rhein-new-pass-2026', confirm: 'rhein-new-pass-2027' });
    expect(differ.status).toBe(400);
    expect(await differ.text()).toContain('The two passwords differ.');

    const others = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', [await userId(rheinUser)]))!.n - 1;
    expect(others).toBeGreaterThanOrEqual(2);
    const changed = await me.postForm('/account/password', { current: demoPassword, password: 'rhein-new-pass-2026', confirm: 'rhein-new-pass-2026' });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('Your password was changed.');
    expect((await me.get('/home')).status).toBe(200);
    expect((await elsewhere.get('/home')).status).toBe(303);
    expect((await as.rheinUser.get('/home')).status).toBe(303);
    expect((await new BrowserClient(server.url).signIn(rheinUser, demoPassword)).status).not.toBe(303);
    await new BrowserClient(server.url).signInOrThrow(rheinUser, 'rhein-new-pass-2026');
    expect(await db.get("SELECT actor_id, new_values FROM audit_log WHERE action = 'user.password_changed' AND entity_id = ?", [await userId(rheinUser)])).toEqual({
      actor_id: await userId(rheinUser),
      new_values: JSON.stringify({ otherSessionsEnded: others }),
    });
    expect(await lastMailTo(rheinUser, 'user.password_changed')).toContain('was changed');
  });

  it('never builds an invitation link from a Host header the client chose (no PUBLIC_URL, not behind a trusted proxy)', async () => {
    const forged = (path: string, body: string) =>
      requestWithHost(server.url, {
        method: 'POST',
        path,
        host: 'evil.example',
        headers: {
          origin: 'http://evil.example',
          cookie: [...as.admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
      });
    const invite = await forged('/users?/invite', new URLSearchParams({ email: 'forged@alpen-med.example', displayName: 'Forged', role: 'distributor_user', organisationId: alpen }).toString());
    expect(invite.status).toBe(503);
    expect(invite.body).not.toContain('evil.example/invite');
    expect(invite.body).toContain('Invitation links cannot be built: this portal does not know its public address.');
    expect(await db.get("SELECT COUNT(*) AS n FROM users WHERE email = 'forged@alpen-med.example'")).toEqual({ n: 0 });
    expect(await db.get("SELECT COUNT(*) AS n FROM mail_messages WHERE to_address = 'forged@alpen-med.example'")).toEqual({ n: 0 });

    // Invited over loopback (a host on this machine is trusted), then re-invited with a forged Host.
    expect((await as.admin.postForm('/users?/invite', { email: 'pending@alpen-med.example', displayName: 'Pending', role: 'distributor_user', organisationId: alpen })).status).toBe(200);
    const mailsBefore = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mail_messages');
    const reinvite = await forged('/users?/reinvite', new URLSearchParams({ userId: await userId('pending@alpen-med.example') }).toString());
    expect(reinvite.status).toBe(503);
    expect(reinvite.body).toContain('Invitation links cannot be built: this portal does not know its public address.');

    expect(await db.get('SELECT COUNT(*) AS n FROM mail_messages')).toEqual(mailsBefore);
    expect(withMailText(db, await db.all<{ id: string; text_body: string }>('SELECT id, text_body FROM mail_messages')).filter((m) => m.text_body.includes('evil.example'))).toEqual([]);
  });

  it('invitation tokens are neither in the access log nor shown live in /admin/mail (the operator reveals one from the CLI)', async () => {
    const tokens = withMailText(db, await db.all<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE purpose = 'user.invitation'")).map((m) => /\/invite\/(inv_[a-z2-7]+)/.exec(m.text_body)![1]!);
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    const log = server.output();
    expect(log).toContain('"path":"/invite/[redacted]"');
    for (const token of tokens) expect(log).not.toContain(token);

    const mail = await (await as.admin.get('/admin/mail')).text();
    expect(mail).toContain('/invite/[hidden]');
    for (const token of tokens) expect(mail).not.toContain(token);

    // The operator of a server without SMTP prints one message in full from the CLI, audited.
    const one = (await db.get<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE purpose = 'user.invitation' ORDER BY rowid LIMIT 1"))!;
    expect(mail).toContain(`lotbridge mail show --id ${one.id}`);
    const shown = await runCli(['mail', 'show', '--id', one.id], { DATABASE_URL: server.databaseUrl });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(/\/invite\/inv_[a-z2-7]+/.exec(mailText(db, one))![0]);
    expect(await db.get("SELECT actor_type, actor_id, entity_id FROM audit_log WHERE action = 'mail.revealed'")).toEqual({ actor_type: 'system', actor_id: 'cli', entity_id: one.id });
  });
});
