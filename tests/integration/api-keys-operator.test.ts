// The operator's emergency brake for a leaked API key, `lotbridge api-keys revoke`, on a real
// SQLite file through the CLI's main() in this process: one key named by its leaked token, then
// every key of the organisation; each revocation audited as the system with the reason and
// mailed to the organisation's administrators; refusals change nothing. `api-keys list` shows it.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../gateway/cli/index.ts';
import { openDb, type Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { authenticateApiKey } from '../../shared/api-keys/authenticate-api-key.ts';
import { createTestApiKey } from '../support/api-keys.ts';
import { createPartnerWebhookEndpoint } from '../../shared/webhooks/create-partner-webhook-endpoint.ts';
import { mailText } from '../support/mail.ts';
import { tempDir } from '../support/server.ts';

describe('lotbridge api-keys (operator)', () => {
  const folder = tempDir();
  const env = { DATABASE_URL: `file:${join(folder.dir, 'lotbridge.db')}`, UPLOAD_DIR: join(folder.dir, 'uploads') };
  let db: Db;

  /** main() with the folder's database; its exit code and what it printed. */
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
    try {
      const code = await main(args);
      return { code, stdout: out.join('\n'), stderr: err.join('\n') };
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
  }

  beforeAll(async () => {
    expect((await cli('migrate')).code).toBe(0);
    db = openDb(env.DATABASE_URL);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });
  afterAll(() => {
    db?.close();
    folder.remove();
  });

  it('revokes a leaked API key at once by its token, then every key of the organisation, audited with the reason and mailed to its administrators', async () => {
    expect((await cli('org', 'add', '--name', 'Suzhou Precision Parts', '--kind', 'supplier')).code).toBe(0);
    const added = await cli('user', 'add', '--email', 'it@suzhou.example', '--name', 'Li Ming', '--org', 'Suzhou Precision Parts', '--role', 'supplier_user', '--admin');
    expect(added.code, added.stderr).toBe(0);
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    const leaked = await createTestApiKey(ctx, 'it@suzhou.example', { name: 'ERP export', scopes: ['lots:read'] });
    const warehouse = await createTestApiKey(ctx, 'it@suzhou.example', { name: 'Warehouse', scopes: ['orders:read'] });
    const spare = await createTestApiKey(ctx, 'it@suzhou.example', { name: 'Spare', scopes: ['items:read'] });
    const leakedActor = (await authenticateApiKey(ctx, leaked.token)).actor;
    expect(leakedActor.userId).toBe(leaked.userId);
    // Whoever holds the leaked key points a webhook endpoint at itself; another key's endpoint is the organisation's own.
    const rogue = await createPartnerWebhookEndpoint(ctx, leakedActor, { url: 'https://collector.example/hook', eventTypes: ['lot.released'] }, { allowLoopback: false });
    const own = await createPartnerWebhookEndpoint(ctx, (await authenticateApiKey(ctx, warehouse.token)).actor, { url: 'https://erp.suzhou.example/hook', eventTypes: ['lot.released'] }, { allowLoopback: false });

    // Every refusal leaves every key working.
    expect((await cli('api-keys', 'revoke', '--key', leaked.id)).code).toBe(2);
    expect((await cli('api-keys', 'revoke', '--key', leaked.id, '--org', 'Suzhou Precision Parts', '--reason', 'x')).code).toBe(2);
    const garbled = await cli('api-keys', 'revoke', '--key', 'nosuchkey', '--reason', 'x');
    expect(garbled.code).toBe(2);
    expect(garbled.stderr).toContain('--key is neither a key id');
    expect((await cli('api-keys', 'revoke', '--key', 'a'.repeat(24), '--reason', 'x')).code).not.toBe(0);
    expect(await db.get("SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NOT NULL")).toEqual({ n: 0 });

    // The token as found in the ticket, "Bearer " and all.
    const one = await cli('api-keys', 'revoke', '--key', `Bearer ${leaked.token}`, '--reason', 'token pasted in a public ticket');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`Revoked ${leaked.id} (ERP export)`);
    expect(one.stdout).toContain(`disabled the webhook endpoint it registered: ${rogue.endpoint.id} https://collector.example/hook`);
    expect(await db.all('SELECT id, state FROM webhook_endpoints WHERE id IN (?, ?) ORDER BY url', [rogue.endpoint.id, own.endpoint.id])).toEqual([
      { id: rogue.endpoint.id, state: 'disabled' },
      { id: own.endpoint.id, state: 'active' },
    ]);
    expect(one.stdout + one.stderr).not.toContain(leaked.token);
    await expect(authenticateApiKey(ctx, leaked.token)).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(authenticateApiKey(ctx, warehouse.token)).resolves.toMatchObject({ actor: { userId: warehouse.userId } });
    const audit = await db.get<{ actor_type: string; actor_name: string; new_values: string }>(
      "SELECT actor_type, actor_name, new_values FROM audit_log WHERE action = 'api_key.revoked' AND entity_id = ?",
      [leaked.id],
    );
    expect(audit).toMatchObject({ actor_type: 'system', actor_name: expect.stringMatching(/^lotbridge CLI \(/) });
    expect(JSON.parse(audit!.new_values)).toMatchObject({ reason: 'token pasted in a public ticket', technicalUser: leaked.userId });
    const mails = await db.all<{ id: string; to_address: string; subject: string; text_body: string }>(
      "SELECT id, to_address, subject, text_body FROM mail_messages WHERE purpose = 'api_key.revoked' AND entity_id = ? ORDER BY to_address",
      [leaked.id],
    );
    // Every administrator of the organisation (Li Ming, and the one who made the keys).
    expect(mails.map((m) => m.to_address)).toContain('it@suzhou.example');
    expect(mails.length).toBe((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = (SELECT organisation_id FROM api_keys WHERE id = ?) AND m.administers = 1 AND u.kind = 'person'", [leaked.id]))!.n);
    const mail = mails.find((m) => m.to_address === 'it@suzhou.example')!;
    expect(mail.subject).toBe('Lotbridge: API key "ERP export" revoked');
    expect(mailText(db, mail)).toContain('by the operator of this Lotbridge installation (lotbridge CLI (');
    expect(mailText(db, mail)).toContain('Reason: token pasted in a public ticket');

    const all = await cli('api-keys', 'revoke', '--org', 'Suzhou Precision Parts', '--reason', 'the ERP host was compromised');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('2 key(s) revoked');
    for (const k of [warehouse, spare]) await expect(authenticateApiKey(ctx, k.token)).rejects.toMatchObject({ code: 'unauthenticated' });
    const list = await cli('api-keys', 'list', '--org', 'Suzhou Precision Parts');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.trim().split('\n').map((l) => l.split('\t').slice(0, 2))).toEqual(
      [leaked, warehouse, spare].map((k) => [k.id, 'revoked']),
    );
    expect((await cli('api-keys', 'revoke', '--key', leaked.id, '--reason', 'again')).stderr).toContain('is already revoked');
  });
});
