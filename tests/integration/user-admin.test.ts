// User administration use cases on a real SQLite file with a clock the test moves: an
// invitation link lapses after 72 hours; two submissions of one link set one password; the
// administrator right is given and taken within the administrator's reach only, audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { findOrganisation } from '../../shared/organisations/find-organisation.ts';
import { inviteUser } from '../../shared/users/invite-user.ts';
import { acceptInvitation, readInvitation } from '../../shared/users/accept-invitation.ts';
import { setUserAdministrator } from '../../shared/users/set-user-administrator.ts';
import { listUsers } from '../../shared/users/list-users.ts';
import { disableUser } from '../../shared/users/disable-user.ts';
import { changePassword } from '../../shared/users/change-password.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { mailText } from '../support/mail.ts';
import { refusal } from '../support/refusal.ts';

describe('user administration use cases', () => {
  let t: TestDatabase;
  let admin: Actor;
  let alpenAdmin: Actor;
  let alpen: string;
  const tokenFor = async (email: string) =>
    /\/invite\/(inv_[a-z2-7]+)/.exec(
      mailText(t.db, (await t.db.get<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE to_address = ? AND purpose = 'user.invitation' ORDER BY rowid DESC LIMIT 1", [email]))!),
    )![1]!;

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    admin = await actorFor(t.db, 'admin@meridian-medical.example');
    alpen = (await createOrganisation(t.ctx, { type: 'system', name: 'test' }, { name: 'Alpen Medizintechnik AG', kind: 'distributor' })).id;
    await addUser(t.ctx, { type: 'system', name: 'test' }, { email: 'admin@alpen-med.example', displayName: 'Heidi Frei', password: 'alpen-admin-2026', organisationId: alpen, role: 'distributor_user', administers: true });
    alpenAdmin = await actorFor(t.db, 'admin@alpen-med.example');
  });
  afterAll(() => t?.close());

  it("a user added in the manufacturer's organisation administers only by role: the CLI's --admin cannot make QA an administrator", async () => {
    const meridian = admin.organisationId;
    const qa = await addUser(t.ctx, { type: 'system', name: 'test' }, { email: 'qa2@meridian-medical.example', displayName: 'Q. Two', password: 'meridian-qa2-2026', organisationId: meridian, role: 'manufacturer_qa', administers: true });
    expect(await t.db.get('SELECT administers FROM memberships WHERE user_id = ?', [qa.id])).toEqual({ administers: 0 });
    const qaActor = await actorFor(t.db, 'qa2@meridian-medical.example');
    expect((await refusal(disableUser(t.ctx, qaActor, { userId: admin.userId }))).code).toBe('forbidden');
    expect(await t.db.get('SELECT disabled_at FROM users WHERE id = ?', [admin.userId])).toEqual({ disabled_at: null });
  });

  it('an organisation named by a name two share is refused, not picked at random; by id it is found', async () => {
    const by = { type: 'system' as const, name: 'test' };
    const first = await createOrganisation(t.ctx, by, { name: 'Twin Medical', kind: 'supplier' });
    await createOrganisation(t.ctx, by, { name: 'Twin Medical', kind: 'distributor' });
    expect((await refusal(findOrganisation(t.db, 'Twin Medical'))).problems).toEqual({ org: { code: 'organisations.nameAmbiguous', params: { name: 'Twin Medical' } } });
    expect(await findOrganisation(t.db, first.id)).toEqual({ id: first.id });
    expect(await findOrganisation(t.db, 'Alpen Medizintechnik AG')).toEqual({ id: alpen });
    expect(await findOrganisation(t.db, 'Nobody GmbH')).toBeUndefined();
  });

  it('an invitation link lapses after 72 hours [REQ-P11-PWD-03]', async () => {
    await inviteUser(t.ctx, alpenAdmin, { email: 'late@alpen-med.example', displayName: 'Late Comer', role: 'distributor_user', administers: false, portalUrl: 'http://portal.test', locale: 'en' });
    const token = await tokenFor('late@alpen-med.example');
    t.clock.advance(72 * 3_600_000 - 1000);
    expect((await readInvitation(t.ctx, token)).email).toBe('late@alpen-med.example');
    t.clock.advance(1000);
    expect((await refusal(readInvitation(t.ctx, token))).code).toBe('forbidden');
    expect((await refusal(acceptInvitation(t.ctx, { token, password: 'late-comer-2026', confirm: 'late-comer-2026' }))).code).toBe('forbidden');
    expect(await t.db.get("SELECT password_hash FROM users WHERE email = 'late@alpen-med.example'")).toEqual({ password_hash: null });
    expect((await listUsers(t.ctx, alpenAdmin)).users.find((u) => u.email === 'late@alpen-med.example')).toMatchObject({ state: 'invited' });
  });

  it('two submissions of one link at once set one password', async () => {
    await inviteUser(t.ctx, admin, { email: 'twice@alpen-med.example', displayName: 'Twice', role: 'distributor_user', administers: false, organisationId: alpen, portalUrl: 'http://portal.test', locale: 'zh-CN' });
    const token = await tokenFor('twice@alpen-med.example');
    expect((await t.db.get<{ subject: string }>("SELECT subject FROM mail_messages WHERE to_address = 'twice@alpen-med.example'"))!.subject).toBe('您在 Alpen Medizintechnik AG 的 Lotbridge 账户');
    const results = await Promise.allSettled([
      acceptInvitation(t.ctx, { token, password: 'first-password-1', confirm: 'first-password-1' }),
      acceptInvitation(t.ctx, { token, password: 'second-password-2', confirm: 'second-password-2' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await t.db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.password_set'")).toEqual({ n: 1 });
  });

  it('the administrator right is given and taken within reach only, never one’s own, audited', async () => {
    const twice = (await t.db.get<{ id: string }>("SELECT id FROM users WHERE email = 'twice@alpen-med.example'"))!.id;
    const rheinUser = (await actorFor(t.db, 'distributor@rhein-medical.example')).userId;
    expect((await refusal(setUserAdministrator(t.ctx, alpenAdmin, { userId: rheinUser, administers: true }))).code).toBe('not_found');
    expect((await refusal(setUserAdministrator(t.ctx, alpenAdmin, { userId: alpenAdmin.userId, administers: false }))).problems).toEqual({ userId: { code: 'users.ownAccount' } });
    expect((await refusal(setUserAdministrator(t.ctx, admin, { userId: (await actorFor(t.db, 'qa@meridian-medical.example')).userId, administers: true }))).problems).toEqual({
      userId: { code: 'users.roleDecides' },
    });
    expect((await refusal(setUserAdministrator(t.ctx, await actorFor(t.db, 'distributor@rhein-medical.example'), { userId: twice, administers: true }))).code).toBe('forbidden');

    await setUserAdministrator(t.ctx, alpenAdmin, { userId: twice, administers: true });
    await setUserAdministrator(t.ctx, alpenAdmin, { userId: twice, administers: true });
    await setUserAdministrator(t.ctx, admin, { userId: twice, administers: false });
    const entries = await t.db.all<{ actor_id: string; old_values: string; new_values: string }>(
      "SELECT actor_id, old_values, new_values FROM audit_log WHERE action = 'user.administrator_set' AND entity_id = ? ORDER BY seq",
      [twice],
    );
    expect(entries).toEqual([
      { actor_id: alpenAdmin.userId, old_values: '{"administers":false}', new_values: '{"administers":true}' },
      { actor_id: admin.userId, old_values: '{"administers":true}', new_values: '{"administers":false}' },
    ]);
  });

  it('the current password asked for a change counts towards the lockout, guesses in parallel each count, and a locked account is refused even the right one', async () => {
    await addUser(t.ctx, { type: 'system', name: 'test' }, { email: 'guessed@alpen-med.example', displayName: 'Guessed', password: 'guessed-pass-2026', organisationId: alpen, role: 'distributor_user' });
    const victim = await actorFor(t.db, 'guessed@alpen-med.example');
    const change = (current: string) => changePassword(t.ctx, victim, { sessionId: 'ses_none', current, password: 'taken-over-2026', confirm: 'taken-over-2026', locale: 'en' });
    const failures = () => t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.sign_in_failed' AND entity_id = ?", [victim.userId]);

    // A stolen session sends its guesses all at once: every one is counted, and the lock
    // holds back the rest rather than letting them be checked.
    const guesses = await Promise.all(Array.from({ length: defaultPolicy.lockoutThreshold + 3 }, (_, i) => refusal(change(`guess-${i}-wrong`))));
    expect(await failures()).toEqual({ n: defaultPolicy.lockoutThreshold });
    expect(guesses.filter((e) => e.code === 'account_locked')).toHaveLength(3);
    const locked = (await t.db.get<{ locked_until: string | null }>('SELECT locked_until FROM users WHERE id = ?', [victim.userId]))!;
    expect(locked.locked_until).toBe(new Date(t.clock.now().getTime() + defaultPolicy.lockoutMs).toISOString());

    // While locked, even the right current password changes nothing.
    expect((await refusal(change('guessed-pass-2026'))).code).toBe('account_locked');
    expect(await t.db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.password_changed' AND entity_id = ?", [victim.userId])).toEqual({ n: 0 });
    expect(await t.db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.sign_in_refused' AND entity_id = ?", [victim.userId])).toEqual({ n: 4 });

    // Once the lock has passed, the owner changes it with the right one.
    t.clock.advance(defaultPolicy.lockoutMs);
    expect(await change('guessed-pass-2026')).toEqual({ otherSessionsEnded: 0 });
  });
});
