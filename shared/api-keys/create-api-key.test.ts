import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../demo/seed-demo.ts';
import { addUser } from '../organisations/add-user.ts';
import { hashPassword } from '../auth/password.ts';
import { signInWithPassword } from '../auth/sign-in-with-password.ts';
import { findSignInUser } from '../auth/find-sign-in-user.ts';
import type { Actor } from '../auth/actor.ts';
import { testDatabase, type TestDatabase } from '../../tests/support/database.ts';
import { actorFor } from '../../tests/support/actors.ts';
import { demo } from '../../tests/support/demo.ts';
import { refusal as refusalOf } from '../../tests/support/refusal.ts';
import { createApiKey, maxActiveApiKeys } from './create-api-key.ts';
import { revokeApiKey } from './revoke-api-key.ts';
import { authenticateApiKey } from './authenticate-api-key.ts';
import { scopesForKind } from './scopes.ts';
import { listUsers } from '../users/list-users.ts';
import { findAdministeredUser } from '../users/user-admin.ts';
import { getOrganisation } from '../organisations/get-organisation.ts';
import { queueSubmissionMails } from '../mail/queue-submission-mails.ts';
import { noticeRecipientsSql } from '../recalls/notice-recipients.ts';

let t: TestDatabase;
let supplierAdmin: Actor;
let distributorAdmin: Actor;

/** An administrator of the organisation `member` belongs to. */
async function administratorBeside(member: Actor, email: string): Promise<Actor> {
  await addUser(t.ctx, { type: 'system', name: 'test' }, { email, displayName: 'Org Admin', password: 'org-admin-password', organisationId: member.organisationId, role: member.role, administers: true });
  return actorFor(t.db, email);
}

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  supplierAdmin = await administratorBeside(await actorFor(t.db, demo('supplier_user').email), 'admin@suzhou-precision.example');
  distributorAdmin = await administratorBeside(await actorFor(t.db, demo('distributor_user').email), 'admin@rhein-medical.example');
});
afterAll(() => t.close());

describe('createApiKey', () => {
  it('makes a technical user with the base role, keeps only the secret\'s hash, audits without it, and returns the token once', async () => {
    const key = await createApiKey(t.ctx, supplierAdmin, { name: ' ERP export ', scopes: ['lots:write', 'certificates:read', 'lots:write'] });
    expect(key.token).toMatch(/^lbk_[a-z2-7]{24}_[a-z2-7]{32}$/);
    expect(key).toMatchObject({ name: 'ERP export', scopes: ['certificates:read', 'lots:write'], expiresAt: '2026-05-31T09:00:00.000Z' });
    const secret = key.token.split('_')[2]!;

    const row = await t.db.get<{ secret_hash: ArrayBuffer; organisation_id: string; created_by: string; scopes: string }>('SELECT * FROM api_keys WHERE id = ?', [key.id]);
    expect(Buffer.from(row!.secret_hash)).toEqual(createHash('sha256').update(secret).digest());
    expect(row).toMatchObject({ organisation_id: supplierAdmin.organisationId, created_by: supplierAdmin.userId, scopes: '["certificates:read","lots:write"]' });
    const user = await t.db.get('SELECT u.kind, u.password_hash, u.display_name, m.role, m.administers FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.id = ?', [key.userId]);
    expect(user).toEqual({ kind: 'api_key', password_hash: null, display_name: 'ERP export (API key)', role: 'supplier_user', administers: 0 });

    const audit = await t.db.get<{ action: string; actor_id: string; new_values: string }>("SELECT action, actor_id, new_values FROM audit_log WHERE entity_type = 'api_key' AND entity_id = ?", [key.id]);
    expect(audit).toMatchObject({ action: 'api_key.created', actor_id: supplierAdmin.userId });
    expect(JSON.parse(audit!.new_values)).toEqual({ name: 'ERP export', scopes: ['certificates:read', 'lots:write'], expiresAt: key.expiresAt, userId: key.userId, role: 'supplier_user' });
    const everything = JSON.stringify(await t.db.all('SELECT * FROM audit_log')) + JSON.stringify(await t.db.all('SELECT * FROM api_keys'));
    expect(everything).not.toContain(secret);
  });

  it('authenticates the token as the technical user in the organisation, with the key\'s scopes', async () => {
    const key = await createApiKey(t.ctx, distributorAdmin, { name: 'WMS', scopes: ['shipments:read'], expiresInDays: 365 });
    expect(key.expiresAt).toBe('2027-03-02T09:00:00.000Z');
    const caller = await authenticateApiKey(t.ctx, key.token);
    expect(caller).toMatchObject({
      apiKeyId: key.id,
      scopes: ['shipments:read'],
      keyName: 'WMS',
      expiresAt: key.expiresAt,
      actor: { userId: key.userId, organisationId: distributorAdmin.organisationId, organisationKind: 'distributor', role: 'distributor_user', displayName: 'WMS (API key)' },
    });
  });

  it('offers each kind of organisation its own scopes', () => {
    expect(scopesForKind('supplier')).toEqual(expect.arrayContaining(['lots:read', 'lots:write', 'certificates:write', 'invoices:write', 'orders:read', 'items:read', 'webhooks:write']));
    expect(scopesForKind('supplier')).toEqual(expect.arrayContaining(['approvals:read', 'scars:read', 'scars:write']));
    expect(scopesForKind('supplier')).not.toContain('recalls:read');
    expect(scopesForKind('distributor')).toEqual(['recalls:read', 'recalls:write', 'shipments:read', 'items:read', 'webhooks:read', 'webhooks:write']);
    expect(scopesForKind('supplier')).not.toContain('approvals:write');
    expect(scopesForKind('manufacturer')).toEqual([]);
  });

  it('refuses a name, scopes or expiry out of bounds, field by field', async () => {
    const refused = await refusalOf(createApiKey(t.ctx, supplierAdmin, { name: ' ', scopes: [], expiresInDays: 366 }));
    expect(refused.problems).toEqual({ name: { code: 'common.required' }, scopes: { code: 'api.noScopes' }, expiresInDays: { code: 'api.badExpiry', params: { max: 365 } } });
    const foreign = await refusalOf(createApiKey(t.ctx, supplierAdmin, { name: 'x', scopes: ['lots:read', 'recalls:read'], expiresInDays: 0 }));
    expect(foreign.problems).toMatchObject({ scopes: { code: 'api.scopeNotAllowed', params: { scope: 'recalls:read' } }, expiresInDays: { code: 'api.badExpiry' } });
    expect((await refusalOf(createApiKey(t.ctx, supplierAdmin, { name: 'x', scopes: ['lots:delete'] }))).problems).toMatchObject({ scopes: { code: 'api.scopeNotAllowed' } });
    expect((await refusalOf(createApiKey(t.ctx, supplierAdmin, { name: 'x'.repeat(201), scopes: ['lots:read'] }))).problems).toMatchObject({ name: { code: 'common.tooLong' } });
  });

  it('holds at most maxActiveApiKeys keys in use per organisation; a revoked or expired key frees its place', async () => {
    const inUse = async () => (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM api_keys WHERE organisation_id = ? AND revoked_at IS NULL', [distributorAdmin.organisationId]))!.n;
    const made: string[] = [];
    while ((await inUse()) < maxActiveApiKeys) made.push((await createApiKey(t.ctx, distributorAdmin, { name: `feed ${made.length}`, scopes: ['recalls:read'] })).id);
    const refused = await refusalOf(createApiKey(t.ctx, distributorAdmin, { name: 'one too many', scopes: ['recalls:read'] }));
    expect({ code: refused.code, problems: refused.problems }).toEqual({ code: 'conflict', problems: { name: { code: 'api.tooManyKeys', params: { max: maxActiveApiKeys } } } });
    expect(await t.db.get("SELECT COUNT(*) AS n FROM api_keys WHERE name = 'one too many'")).toEqual({ n: 0 });
    // Another organisation is not affected.
    await expect(createApiKey(t.ctx, supplierAdmin, { name: 'supplier still can', scopes: ['lots:read'] })).resolves.toMatchObject({ name: 'supplier still can' });

    await revokeApiKey(t.ctx, distributorAdmin, { apiKeyId: made[0]!, locale: 'en' });
    await expect(createApiKey(t.ctx, distributorAdmin, { name: 'after a revocation', scopes: ['recalls:read'] })).resolves.toMatchObject({ name: 'after a revocation' });
    await t.db.run('UPDATE api_keys SET expires_at = ? WHERE id = ?', [new Date(t.clock.now().getTime() - 1000).toISOString(), made[1]!]);
    await expect(createApiKey(t.ctx, distributorAdmin, { name: 'after an expiry', scopes: ['recalls:read'] })).resolves.toMatchObject({ name: 'after an expiry' });
    for (const id of made.slice(2)) await revokeApiKey(t.ctx, distributorAdmin, { apiKeyId: id, locale: 'en' });
  });

  it('is refused to a member who does not administer the organisation, and to the manufacturer', async () => {
    const member = await actorFor(t.db, demo('supplier_user').email);
    expect((await refusalOf(createApiKey(t.ctx, member, { name: 'x', scopes: ['lots:read'] }))).code).toBe('forbidden');
    const manufacturer = await actorFor(t.db, demo('manufacturer_admin').email);
    expect((await refusalOf(createApiKey(t.ctx, manufacturer, { name: 'x', scopes: ['lots:read'] }))).code).toBe('forbidden');
    expect(await t.db.get("SELECT COUNT(*) AS n FROM api_keys WHERE name = 'x'")).toEqual({ n: 0 });
  });
});

describe('a technical user', () => {
  it('never signs in, even with a password set on it', async () => {
    const key = await createApiKey(t.ctx, supplierAdmin, { name: 'script', scopes: ['lots:read'] });
    const email = (await t.db.get<{ email: string }>('SELECT email FROM users WHERE id = ?', [key.userId]))!.email;
    await t.db.run('UPDATE users SET password_hash = ? WHERE id = ?', [await hashPassword('a-password-someone-set'), key.userId]);
    expect(await findSignInUser(t.db, { email })).toBeUndefined();
    expect(await findSignInUser(t.db, { id: key.userId })).toBeUndefined();
    expect((await refusalOf(signInWithPassword(t.ctx, { email, password: 'a-password-someone-set' }))).code).toBe('invalid_credentials');
    // A person with the same password signs in: the refusal is the kind's.
    await t.db.run('UPDATE users SET password_hash = ? WHERE email = ?', [await hashPassword('a-password-someone-set'), 'admin@suzhou-precision.example']);
    await expect(signInWithPassword(t.ctx, { email: 'admin@suzhou-precision.example', password: 'a-password-someone-set' })).resolves.toMatchObject({ token: expect.any(String) });
  });
});

describe('a technical user is no person', () => {
  it('gets no mail, is no recall notice recipient, and is not among the users an administrator manages', async () => {
    const supplierKey = await createApiKey(t.ctx, supplierAdmin, { name: 'mail check', scopes: ['lots:read'] });
    const distributorKey = await createApiKey(t.ctx, distributorAdmin, { name: 'notice check', scopes: ['recalls:read'] });
    const emailOf = async (id: string) => (await t.db.get<{ email: string }>('SELECT email FROM users WHERE id = ?', [id]))!.email;
    const technical = [await emailOf(supplierKey.userId), await emailOf(distributorKey.userId)];

    const mailed = await t.db.transaction((tx) =>
      queueSubmissionMails(tx, t.clock, { purpose: 'invoice.paid', organisationId: supplierAdmin.organisationId, entity: { type: 'invoice', id: 'inv_x' }, params: () => ({ invoiceNumber: 'X', amount: '1' }) }),
    );
    expect(mailed).toContain(demo('supplier_user').email);
    expect(mailed).not.toContain(technical[0]);

    const recipients = await t.db.get<{ r: string }>(`SELECT ${noticeRecipientsSql} AS r FROM organisations AS o WHERE o.id = ?`, [distributorAdmin.organisationId]);
    expect(JSON.parse(recipients!.r)).toContain(demo('distributor_user').email);
    expect(JSON.parse(recipients!.r)).not.toContain(technical[1]);

    const managed = await listUsers(t.ctx, supplierAdmin);
    expect(JSON.stringify(managed)).toContain(demo('supplier_user').email);
    expect(JSON.stringify(managed)).not.toContain(technical[0]);
    await expect(findAdministeredUser(t.db, { everyOrganisation: false, organisationId: supplierAdmin.organisationId }, supplierKey.userId)).rejects.toMatchObject({ code: 'not_found' });
    const members = (await getOrganisation(t.ctx, supplierAdmin, supplierAdmin.organisationId)).members.map((m) => m.email);
    expect(members).toContain(demo('supplier_user').email);
    expect(members).not.toContain(technical[0]);
  });
});
