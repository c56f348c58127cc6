// The people side of API keys on a real SQLite file with a clock the test moves: an
// organisation's administrator lists its keys (never a hash) and revokes one; revoking is
// guarded, audited, mailed to the administrators and disables the key's technical user, after
// which the token no longer authenticates. Everyone else is refused; another organisation's key
// is not found. Technical users are not people on the users page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { createApiKey } from '../../shared/api-keys/create-api-key.ts';
import { authenticateApiKey } from '../../shared/api-keys/authenticate-api-key.ts';
import { listApiKeys } from '../../shared/api-keys/list-api-keys.ts';
import { revokeApiKey } from '../../shared/api-keys/revoke-api-key.ts';
import { listUsers } from '../../shared/users/list-users.ts';
import { disableUser } from '../../shared/users/disable-user.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { mailText } from '../support/mail.ts';
import { refusal } from '../support/refusal.ts';

describe('API keys: list and revoke', () => {
  let t: TestDatabase;
  let supplierAdmin: Actor;
  let secondAdmin: Actor;
  let supplierUser: Actor;
  let otherAdmin: Actor;
  let manufacturerAdmin: Actor;
  const system = { type: 'system' as const, name: 'test' };

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    supplierUser = await actorFor(t.db, 'supplier@suzhou-precision.example');
    manufacturerAdmin = await actorFor(t.db, 'admin@meridian-medical.example');
    await addUser(t.ctx, system, { email: 'it@suzhou-precision.example', displayName: '李明 (Li Ming)', password: 'suzhou-admin-2026', organisationId: supplierUser.organisationId, role: 'supplier_user', administers: true });
    await addUser(t.ctx, system, { email: 'ops@suzhou-precision.example', displayName: 'Zhao Lei', password: 'suzhou-ops-2026', organisationId: supplierUser.organisationId, role: 'supplier_user', administers: true });
    await t.db.run("UPDATE users SET locale = 'zh-CN' WHERE email = 'ops@suzhou-precision.example'");
    supplierAdmin = await actorFor(t.db, 'it@suzhou-precision.example');
    secondAdmin = await actorFor(t.db, 'ops@suzhou-precision.example');
    const other = await createOrganisation(t.ctx, system, { name: 'Penang Moulding Sdn Bhd', kind: 'supplier' });
    await addUser(t.ctx, system, { email: 'admin@penang-moulding.example', displayName: 'Aisha Rahman', password: 'penang-admin-2026', organisationId: other.id, role: 'supplier_user', administers: true });
    otherAdmin = await actorFor(t.db, 'admin@penang-moulding.example');
  });
  afterAll(() => t?.close());

  it("lists the organisation's keys for its administrators, newest first, with who made them and their state, never the hash", async () => {
    const erp = await createApiKey(t.ctx, supplierAdmin, { name: 'ERP export', scopes: ['lots:write', 'certificates:read'], expiresInDays: 30 });
    t.clock.advance(60_000);
    const wms = await createApiKey(t.ctx, secondAdmin, { name: 'Warehouse', scopes: ['orders:read'] });
    await createApiKey(t.ctx, otherAdmin, { name: 'Penang ERP', scopes: ['lots:read'] });
    await authenticateApiKey(t.ctx, erp.token);

    const list = await listApiKeys(t.ctx, supplierAdmin);
    expect(list.keys.map((k) => k.name)).toEqual(['Warehouse', 'ERP export']);
    expect(list.keys[1]).toEqual({
      id: erp.id,
      name: 'ERP export',
      scopes: ['certificates:read', 'lots:write'],
      createdBy: '李明 (Li Ming)',
      createdAt: '2026-03-02T09:00:00.000Z',
      expiresAt: '2026-04-01T09:00:00.000Z',
      lastUsedAt: '2026-03-02T09:01:00.000Z',
      state: 'active',
      revokedAt: null,
      revokedBy: null,
    });
    expect(list.keys[0]).toMatchObject({ id: wms.id, createdBy: 'Zhao Lei', lastUsedAt: null, expiresAt: '2026-05-31T09:01:00.000Z' });
    expect(list.permissions).toEqual({ create: true, revoke: true });
    expect(list.resources).toContain('lots');
    expect(list.resources).not.toContain('recalls');
    const hash = Buffer.from((await t.db.get<{ secret_hash: ArrayBuffer }>('SELECT secret_hash FROM api_keys WHERE id = ?', [erp.id]))!.secret_hash).toString('hex');
    const shown = JSON.stringify(list);
    expect(shown).not.toContain(hash);
    expect(shown).not.toContain(erp.token.split('_').pop()!);

    expect((await listApiKeys(t.ctx, otherAdmin)).keys.map((k) => k.name)).toEqual(['Penang ERP']);
  });

  it('refuses anyone but an administrator of the organisation', async () => {
    expect((await refusal(listApiKeys(t.ctx, supplierUser))).code).toBe('forbidden');
    expect((await refusal(listApiKeys(t.ctx, manufacturerAdmin))).code).toBe('forbidden');
    const [key] = (await listApiKeys(t.ctx, supplierAdmin)).keys;
    expect((await refusal(revokeApiKey(t.ctx, supplierUser, { apiKeyId: key!.id, locale: 'en' }))).code).toBe('forbidden');
    expect((await refusal(revokeApiKey(t.ctx, manufacturerAdmin, { apiKeyId: key!.id, locale: 'en' }))).code).toBe('forbidden');
    expect((await refusal(revokeApiKey(t.ctx, otherAdmin, { apiKeyId: key!.id, locale: 'en' }))).code).toBe('not_found');
    expect((await listApiKeys(t.ctx, supplierAdmin)).keys.find((k) => k.id === key!.id)!.state).toBe('active');
  });

  it('revoking stops the token, disables the technical user, is audited and mailed to every administrator; twice is a conflict', async () => {
    const key = await createApiKey(t.ctx, supplierAdmin, { name: 'Script', scopes: ['invoices:write'] });
    expect((await authenticateApiKey(t.ctx, key.token)).apiKeyId).toBe(key.id);
    t.clock.advance(3_600_000);
    const { revokedAt } = await revokeApiKey(t.ctx, secondAdmin, { apiKeyId: key.id, locale: 'en' });

    expect((await refusal(authenticateApiKey(t.ctx, key.token))).code).toBe('unauthenticated');
    expect(await t.db.get('SELECT disabled_at FROM users WHERE id = ?', [key.userId])).toEqual({ disabled_at: revokedAt });
    expect((await listApiKeys(t.ctx, supplierAdmin)).keys.find((k) => k.id === key.id)).toMatchObject({ state: 'revoked', revokedAt, revokedBy: 'Zhao Lei' });
    expect(await t.db.all("SELECT actor_id, entity_id, old_values, new_values FROM audit_log WHERE action = 'api_key.revoked'")).toEqual([
      { actor_id: secondAdmin.userId, entity_id: key.id, old_values: '{"revokedAt":null}', new_values: JSON.stringify({ revokedAt, technicalUser: key.userId }) },
    ]);
    const mails = await t.db.all<{ id: string; to_address: string; subject: string; text_body: string }>(
      "SELECT id, to_address, subject, text_body FROM mail_messages WHERE purpose = 'api_key.revoked' ORDER BY to_address",
    );
    expect(mails.map((m) => [m.to_address, m.subject])).toEqual([
      ['it@suzhou-precision.example', 'Lotbridge: API key "Script" revoked'],
      ['ops@suzhou-precision.example', 'Lotbridge：API 密钥“Script”已吊销'],
    ]);
    expect(mailText(t.db, mails[0]!)).toContain('by Zhao Lei (ops@suzhou-precision.example)');

    expect((await refusal(revokeApiKey(t.ctx, supplierAdmin, { apiKeyId: key.id, locale: 'en' }))).code).toBe('conflict');
    expect(await t.db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'api_key.revoked'")).toEqual({ n: 1 });
  });

  it('a key past its expiry is listed as expired', async () => {
    const key = await createApiKey(t.ctx, supplierAdmin, { name: 'Short', scopes: ['items:read'], expiresInDays: 1 });
    const state = async () => (await listApiKeys(t.ctx, supplierAdmin)).keys.find((k) => k.id === key.id)!.state;
    expect(await state()).toBe('active');
    t.clock.advance(86_400_000);
    expect(await state()).toBe('expired');
  });

  it("technical users are not people: the users page leaves them out and its actions do not reach them", async () => {
    const key = await createApiKey(t.ctx, supplierAdmin, { name: 'Hidden', scopes: ['lots:read'] });
    for (const admin of [supplierAdmin, manufacturerAdmin]) {
      const users = (await listUsers(t.ctx, admin)).users;
      expect(users.map((u) => u.id)).not.toContain(key.userId);
      expect(users.map((u) => u.email)).toContain('it@suzhou-precision.example');
    }
    expect((await refusal(disableUser(t.ctx, supplierAdmin, { userId: key.userId }))).code).toBe('not_found');
  });
});
