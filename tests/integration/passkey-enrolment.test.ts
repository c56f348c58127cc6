// Adding and removing a passkey over real HTTP with a software authenticator (ES256,
// attestation "none"): a session alone adds or removes nothing (a stolen session must not
// give its thief a lasting credential, 21 CFR 11.10(d), 11.300); the current password or an
// existing passkey, sent in the same step, does. Wrong ones count towards the lockout. Each
// change is audited and mailed to the user; the new passkey then signs in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { Db } from '../../shared/db/index.ts';
import { SoftwareAuthenticator } from '../support/software-authenticator.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, startBuiltServer } from '../support/portal.ts';
import { withMailText } from '../support/mail.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
let server: RunningServer;
let db: Db;
let authenticator: SoftwareAuthenticator;
let victim: BrowserClient;

const postJson = (client: BrowserClient, path: string, body?: unknown) =>
  client.request(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

const passkeysOf = (email: string) =>
  db.all<{ id: string; name: string }>('SELECT p.id, p.name FROM passkey_credentials p JOIN users u ON u.id = p.user_id WHERE u.email = ? ORDER BY p.created_at, p.name', [email]);
const failedAttempts = async (email: string) => (await db.get<{ n: number }>('SELECT failed_attempts AS n FROM users WHERE email = ?', [email]))!.n;
const auditOf = (action: string) => db.all<{ entity_id: string; new_values: string | null; old_values: string | null }>('SELECT entity_id, new_values, old_values FROM audit_log WHERE action = ? ORDER BY seq', [action]);
const mailsOf = async (purpose: string) =>
  withMailText(db, await db.all<{ id: string; to_address: string; subject: string; text_body: string; entity_id: string }>('SELECT id, to_address, subject, text_body, entity_id FROM mail_messages WHERE purpose = ? ORDER BY created_at', [purpose]));

/** The whole enrolment as the page's script does it: options (with the re-authentication), then the attestation. */
async function enrol(client: BrowserClient, name: string, credential: unknown): Promise<Response> {
  const options = await postJson(client, '/account/passkeys/register/options', credential);
  if (options.status !== 200) return options;
  const { challengeId, options: creation } = await options.json();
  return postJson(client, '/account/passkeys/register/verify', { challengeId, name, response: authenticator.register(creation) });
}

/** A passkey assertion confirming it is the user, bound to this client's session. */
async function passkeyConfirmation(client: BrowserClient): Promise<{ challengeId: string; response: unknown }> {
  const res = await postJson(client, '/account/passkeys/confirm/options');
  expect(res.status).toBe(200);
  const { challengeId, options } = await res.json();
  return { challengeId, response: authenticator.authenticate(options) };
}

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  // The relying party is the server's own origin (http://localhost:PORT): what a browser reports.
  const origin = new URL(server.url).origin;
  authenticator = new SoftwareAuthenticator({ id: new URL(server.url).hostname, origin });
  victim = new BrowserClient(server.url);
  await victim.signInOrThrow(supplier.email, demoPassword);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('adding a passkey', () => {
  it('is refused with only a session: no registration challenge is even handed out [REQ-P11-PASSKEY-01]', async () => {
    const res = await postJson(victim, '/account/passkeys/register/options');
    expect(res.status).toBe(400);
    expect((await res.json()).problems).toEqual({ password: { code: 'common.required' } });
    // Not even when the browser skips the first step and posts an attestation of its own.
    const verify = await postJson(victim, '/account/passkeys/register/verify', {
      challengeId: 'chl_made_up',
      name: 'thief',
      response: new SoftwareAuthenticator(authenticator.rp).register({ challenge: 'AAAA', rp: { id: authenticator.rp.id, name: 'x' }, user: { id: 'dXNy', name: 'x', displayName: 'x' }, pubKeyCredParams: [] }),
    });
    expect(verify.status).toBe(400);
    expect(await passkeysOf(supplier.email)).toEqual([]);
    expect(await failedAttempts(supplier.email)).toBe(0);
  });

  it('is refused with a wrong password, which counts towards the lockout and is audited', async () => {
    const before = (await auditOf('auth.sign_in_failed')).length;
    const res = await enrol(victim, 'thief', { password: 'not the password' });
    expect(res.status).toBe(401);
    expect(await passkeysOf(supplier.email)).toEqual([]);
    expect(await failedAttempts(supplier.email)).toBe(1);
    const failed = (await auditOf('auth.sign_in_failed')).slice(before);
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]!.new_values!)).toMatchObject({ method: 'confirm-password', consecutiveFailures: 1 });
  });

  it('is accepted with the current password in the same step, audited and mailed to the user [REQ-P11-PASSKEY-01]', async () => {
    const res = await enrol(victim, 'Work laptop', { password: demoPassword });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'Work laptop' });
    const [added] = await passkeysOf(supplier.email);
    expect(added).toMatchObject({ name: 'Work laptop' });
    expect(await failedAttempts(supplier.email)).toBe(0);

    const audit = (await auditOf('passkey.registered')).filter((a) => a.entity_id === added!.id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.new_values!)).toMatchObject({ name: 'Work laptop', confirmedWith: 'password' });
    const mails = (await mailsOf('auth.passkey_added')).filter((m) => m.entity_id === added!.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to_address: supplier.email, subject: 'A passkey was added to your Lotbridge account' });
    expect(mails[0]!.text_body).toContain('“Work laptop”');
    expect(mails[0]!.text_body).toContain('confirmed with your password');
  });

  it('takes a registration challenge only in the session that confirmed it', async () => {
    const options = await postJson(victim, '/account/passkeys/register/options', { password: demoPassword });
    expect(options.status).toBe(200);
    const { challengeId, options: creation } = await options.json();
    // Another session of the same user (a thief's copy would be one) cannot finish it.
    const other = new BrowserClient(server.url);
    await other.signInOrThrow(supplier.email, demoPassword);
    const res = await postJson(other, '/account/passkeys/register/verify', { challengeId, name: 'elsewhere', response: new SoftwareAuthenticator(authenticator.rp).register(creation) });
    expect(res.status).toBe(400);
    expect((await passkeysOf(supplier.email)).map((p) => p.name)).toEqual(['Work laptop']);
  });

  it('is accepted when confirmed with an existing passkey instead of the password', async () => {
    const res = await enrol(victim, 'Phone', { passkey: await passkeyConfirmation(victim) });
    expect(res.status).toBe(200);
    expect((await passkeysOf(supplier.email)).map((p) => p.name).sort()).toEqual(['Phone', 'Work laptop']);
    const audit = await auditOf('passkey.registered');
    expect(JSON.parse(audit.at(-1)!.new_values!)).toMatchObject({ name: 'Phone', confirmedWith: 'passkey' });
  });

  it('then signs in with the new passkey, no password [REQ-P11-PASSKEY-01]', async () => {
    const client = new BrowserClient(server.url);
    const options = await postJson(client, '/login/passkey/options');
    expect(options.status).toBe(200);
    const { challengeId, options: request } = await options.json();
    // Usernameless: the authenticator picks the passkey (here the first one added, "Work laptop").
    const res = await postJson(client, '/login/passkey/verify', { challengeId, response: authenticator.authenticate(request, authenticator.credentials[0]) });
    expect(res.status).toBe(200);
    expect(client.cookies.has('lotbridge_session')).toBe(true);
    const home = await client.get('/home');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(supplier.email);
  });
});

describe('removing a passkey', () => {
  it('is refused with only a session, and with a wrong password (counted)', async () => {
    const [first] = await passkeysOf(supplier.email);
    const bare = await victim.postForm('/account/passkeys?/remove', { id: first!.id });
    expect(bare.status).toBe(400);
    const wrong = await victim.postForm('/account/passkeys?/remove', { id: first!.id, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(await failedAttempts(supplier.email)).toBe(1);
    expect(await passkeysOf(supplier.email)).toHaveLength(2);
  });

  it('is accepted with the password in the same request, audited and mailed', async () => {
    const [first] = await passkeysOf(supplier.email);
    const res = await victim.postForm('/account/passkeys?/remove', { id: first!.id, password: demoPassword });
    expect(res.status).toBe(200);
    expect((await passkeysOf(supplier.email)).map((p) => p.id)).not.toContain(first!.id);
    const audit = (await auditOf('passkey.removed')).filter((a) => a.entity_id === first!.id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.new_values!)).toEqual({ confirmedWith: 'password' });
    const mails = (await mailsOf('auth.passkey_removed')).filter((m) => m.entity_id === first!.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to_address: supplier.email, subject: 'A passkey was removed from your Lotbridge account' });
  });

  it('is accepted when confirmed with a passkey assertion', async () => {
    const [last] = await passkeysOf(supplier.email);
    const passkey = await passkeyConfirmation(victim);
    const res = await victim.postForm('/account/passkeys?/remove', { id: last!.id, passkey: JSON.stringify(passkey) });
    expect(res.status).toBe(200);
    expect(await passkeysOf(supplier.email)).toEqual([]);
    const audit = await auditOf('passkey.removed');
    expect(JSON.parse(audit.at(-1)!.new_values!)).toEqual({ confirmedWith: 'passkey' });
  });
});
