// The audit trail and the secrets against someone who holds the database file (issue 10): the
// rewrites here are done with plain SQL and SHA-256, exactly as an attacker with the file can,
// and must be detected by `lotbridge audit verify`, which holds the key kept outside.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entryHash, genesisHash, type AuditRow } from '../../shared/audit/entry.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { checkAuditTrail, latestAuditVerification } from '../../shared/audit/check-audit-trail.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { loadAs2Keys } from '../../shared/edi/identity/load-as2-keys.ts';
import { createWebhookEndpoint } from '../../shared/webhooks/create-webhook-endpoint.ts';
import { liveWebhookSecrets } from '../../shared/webhooks/webhook-secrets.ts';
import { signNoticeToken, checkNoticeToken } from '../../shared/recalls/notice-link.ts';
import { installKeys } from '../../shared/keys/install-keys.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { runCli, tempDir } from '../support/server.ts';
import { rawClient } from '../support/portal.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { recordSignature } from '../../shared/signatures/record-signature.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

const setup = { type: 'system' as const, name: 'integration setup' };
const open: TestDatabase[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

/** A database with a few audited changes, keys installed as at a real start. */
async function trail(n = 6): Promise<TestDatabase> {
  const t = await testDatabase();
  open.push(t);
  await installKeys(t.ctx);
  for (let i = 0; i < n; i++) {
    t.clock.advance(60_000);
    await createOrganisation(t.ctx, setup, { name: `Supplier ${i}`, kind: 'supplier' });
  }
  return t;
}

const rows = (t: TestDatabase) => t.db.all<AuditRow>('SELECT * FROM audit_log ORDER BY seq');
const verify = (t: TestDatabase, ...args: string[]) => runCli(['audit', 'verify', ...args], { DATABASE_URL: t.url });

/**
 * What an attacker with the file does: drop the triggers, change an entry, recompute every
 * SHA-256 hash after it so each links to the one before, and fix the head.
 */
async function rewrite(t: TestDatabase, seq: number, newValues: string, options: { clearMacs?: boolean } = {}): Promise<void> {
  const all = await rows(t);
  const raw = rawClient(t.url);
  try {
    await raw.executeMultiple('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    let prev = all[seq - 2]?.hash ?? genesisHash;
    for (const row of all.slice(seq - 1)) {
      const changed = { ...row, prev_hash: prev, new_values: row.seq === seq ? newValues : row.new_values };
      const { hash: _h, mac: _m, mac_key: _k, ...material } = changed;
      const hash = entryHash(material);
      await raw.execute({
        sql: `UPDATE audit_log SET new_values = ?, prev_hash = ?, hash = ?${options.clearMacs ? ', mac = NULL, mac_key = NULL' : ''} WHERE seq = ?`,
        args: [changed.new_values, prev, hash, row.seq],
      });
      prev = hash;
    }
    if (options.clearMacs) await raw.execute('UPDATE audit_log SET mac = NULL, mac_key = NULL');
    await raw.execute({ sql: 'UPDATE audit_head SET last_hash = ? WHERE id = 1', args: [prev] });
  } finally {
    raw.close();
  }
}

describe('a chain rewritten by someone holding the database file', () => {
  it('recomputed with SHA-256 after an edit: audit verify names the edited entry', async () => {
    const t = await trail();
    await rewrite(t, 3, '{"name":"Someone Else Ltd","kind":"supplier"}');
    // Every link and every hash is consistent again: without the key this would pass.
    const verdict = await verifyAuditChain(t.db);
    expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: 3, code: 'mac_invalid' });
    const cli = await verify(t);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/entry 3\b.*recomputed without the key/);
  });

  it('with every MAC removed, as if the trail predated the keys: refused', async () => {
    const t = await trail();
    await rewrite(t, 2, '{"name":"Someone Else Ltd","kind":"supplier"}', { clearMacs: true });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBrokenSeq: 1, code: 'mac_missing' });
    expect((await verify(t)).code).toBe(1);
  });

  it('with every MAC removed and the record of the keys deleted, to have the start bless the rewrite: the start is refused', async () => {
    const t = await trail();
    await rewrite(t, 2, '{"name":"Someone Else Ltd","kind":"supplier"}', { clearMacs: true });
    const raw = rawClient(t.url);
    await raw.executeMultiple('DROP TRIGGER key_checks_no_delete; DELETE FROM key_checks;');
    raw.close();
    const cli = await verify(t);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/key_checks was emptied/);
    expect(await t.db.get('SELECT COUNT(*) AS n FROM audit_log WHERE mac IS NOT NULL')).toEqual({ n: 0 });
  });

  it('a MAC that is not even hex is reported, not a crash', async () => {
    const t = await trail(2);
    const raw = rawClient(t.url);
    await raw.executeMultiple("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET mac = '" + 'z'.repeat(64) + "' WHERE seq = 2;");
    raw.close();
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBrokenSeq: 2, code: 'mac_invalid' });
    expect(await checkAuditTrail(t.db, t.clock, 'full')).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('truncated to an earlier entry: caught by a checkpoint exported before [REQ-P11-AUDIT-03]', async () => {
    const t = await trail();
    const folder = tempDir();
    try {
      const file = join(folder.dir, 'checkpoint.json');
      const exported = await runCli(['audit', 'checkpoint', '--out', file], { DATABASE_URL: t.url });
      expect(exported.code, exported.stderr).toBe(0);
      const checkpoint = JSON.parse(readFileSync(file, 'utf8'));
      expect(checkpoint).toMatchObject({ format: 'lotbridge-audit-checkpoint/1', seq: 6 });
      expect((await verify(t, '--checkpoint', file)).code).toBe(0);

      // Drop the newest entries (the checkpoint export's own entry among them) and move the head back.
      const kept = (await rows(t))[3]!;
      const raw = rawClient(t.url);
      await raw.executeMultiple('DROP TRIGGER audit_log_no_delete;');
      await raw.execute({ sql: 'DELETE FROM audit_log WHERE seq > ?', args: [kept.seq] });
      await raw.execute({ sql: 'UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1', args: [kept.seq, kept.hash] });
      raw.close();

      // The chain that is left is intact and keyed: only what was kept outside can tell.
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
      const cli = await verify(t, '--checkpoint', file);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/entry 6 of the checkpoint is no longer in the trail/);

      // An edited checkpoint proves nothing.
      writeFileSync(file, JSON.stringify({ ...checkpoint, seq: 4, hash: kept.hash }));
      expect((await verify(t, '--checkpoint', file)).stderr).toMatch(/signature does not verify/);
    } finally {
      folder.remove();
    }
  });
});

describe('the key file', () => {
  it('is made at first start with mode 0600 beside an owner-only database and upload folder', async () => {
    const folder = tempDir();
    try {
      const url = `file:${join(folder.dir, 'data', 'lotbridge.db')}`;
      const uploads = join(folder.dir, 'data', 'uploads');
      const cli = await runCli(['migrate'], { DATABASE_URL: url, UPLOAD_DIR: uploads });
      expect(cli.code, cli.stderr).toBe(0);
      const mode = (p: string) => statSync(p).mode & 0o777;
      expect(mode(join(folder.dir, 'data', 'lotbridge.key'))).toBe(0o600);
      expect(mode(join(folder.dir, 'data', 'lotbridge.db'))).toBe(0o600);
      expect(mode(uploads)).toBe(0o700);
      expect(mode(join(folder.dir, 'data'))).toBe(0o700);
    } finally {
      folder.remove();
    }
  });

  it('missing or another database’s: the start is refused instead of starting an unverifiable chain [REQ-P11-KEYS-01]', async () => {
    const t = await trail(2);
    const keyFile = t.url.slice('file:'.length).replace(/\.db$/, '.key');
    expect(existsSync(keyFile)).toBe(true);
    const saved = readFileSync(keyFile);
    rmSync(keyFile);
    const missing = await verify(t);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/key file .* is missing/);
    expect(existsSync(keyFile)).toBe(false);

    const other = await trail(1);
    writeFileSync(keyFile, readFileSync(other.url.slice('file:'.length).replace(/\.db$/, '.key')), { mode: 0o600 });
    const foreign = await verify(t);
    expect(foreign.code).not.toBe(0);
    expect(foreign.stderr).toMatch(/never used with this database/);

    writeFileSync(keyFile, saved, { mode: 0o600 });
    expect((await verify(t)).code).toBe(0);
  });

  it('keys rotate: the new key MACs from now on, entries under the old one still verify', async () => {
    const t = await trail(2);
    const rotated = await runCli(['keys', 'rotate'], { DATABASE_URL: t.url });
    expect(rotated.code, rotated.stderr).toBe(0);
    const cli = await verify(t);
    expect(cli.code, cli.stderr).toBe(0);
    const keys = await t.db.all<{ mac_key: string }>('SELECT DISTINCT mac_key FROM audit_log ORDER BY seq');
    expect(keys.length).toBe(2);
    expect((await rows(t)).at(-1)!.action).toBe('audit.key_rotated');
  });
});

describe('secrets at rest', () => {
  async function fileBytes(t: TestDatabase): Promise<Buffer> {
    await t.db.get('PRAGMA wal_checkpoint(TRUNCATE)');
    return readFileSync(t.url.slice('file:'.length));
  }

  it('our AS2 private key, webhook secrets and the notice-link key are not in the database file in clear [REQ-P11-KEYS-01]', async () => {
    const t = await trail(1);
    const admin = { type: 'system' as const, name: 'setup' };
    await ensureAs2Identity(t.ctx, admin, { as2Id: 'LOTBRIDGE' });
    const endpoint = await createWebhookEndpoint(t.ctx, admin, { url: 'https://erp.example/hooks' });
    const token = await signNoticeToken(t.db, 'rnt_abc', '2026-04-01T00:00:00.000Z');

    const { signing } = await loadAs2Keys(t.db, t.clock.now());
    expect(signing!.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect((await liveWebhookSecrets(t.db, [endpoint.id], t.clock.now().toISOString())).get(endpoint.id)).toEqual([endpoint.secret]);
    expect(await checkNoticeToken(t.db, token, t.clock.now())).toEqual({ ok: true, noticeId: 'rnt_abc' });

    const bytes = await fileBytes(t);
    const pemBody = signing!.privateKeyPem.split('\n')[1]!;
    expect(bytes.includes(pemBody)).toBe(false);
    expect(bytes.includes('PRIVATE KEY')).toBe(false);
    expect(bytes.includes(endpoint.secret)).toBe(false);
    expect(bytes.includes(endpoint.secret.slice('whsec_'.length))).toBe(false);
  });

  it('a sealed secret moved to another row does not open', async () => {
    const t = await trail(1);
    const admin = { type: 'system' as const, name: 'setup' };
    const a = await createWebhookEndpoint(t.ctx, admin, { url: 'https://erp.example/a' });
    const b = await createWebhookEndpoint(t.ctx, admin, { url: 'https://erp.example/b' });
    const raw = rawClient(t.url);
    await raw.execute({ sql: 'UPDATE webhook_secrets SET secret = (SELECT secret FROM webhook_secrets WHERE endpoint_id = ?) WHERE endpoint_id = ?', args: [a.id, b.id] });
    raw.close();
    await expect(liveWebhookSecrets(t.db, [b.id], t.clock.now().toISOString())).rejects.toThrow(/altered or moved/);
  });

  it('a secret planted in clear after keys were installed stops the start instead of being sealed and trusted', async () => {
    const t = await trail(1);
    const admin = { type: 'system' as const, name: 'setup' };
    const endpoint = await createWebhookEndpoint(t.ctx, admin, { url: 'https://erp.example/hooks' });
    const raw = rawClient(t.url);
    await raw.execute({ sql: 'UPDATE webhook_secrets SET secret = ? WHERE endpoint_id = ?', args: ['whsec_' + Buffer.from('the attacker knows this one').toString('base64'), endpoint.id] });
    raw.close();
    await expect(installKeys(t.ctx)).rejects.toThrow(/secrets stored in clear after keys were installed \(webhookSecrets whs_/);
    const cli = await verify(t);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/written around Lotbridge/);
  });

  it('secrets written in clear before keys existed are sealed at the next start, and keep working', async () => {
    const t = await testDatabase();
    open.push(t);
    const raw = rawClient(t.url);
    const secret = 'whsec_' + Buffer.from('legacy secret 0123456789').toString('base64');
    await raw.execute("INSERT INTO webhook_endpoints (id, url, description, state, created_at, updated_at) VALUES ('ep_old', 'https://erp.example', '', 'active', 'x', 'x')");
    await raw.execute({ sql: "INSERT INTO webhook_secrets (id, endpoint_id, secret, created_at) VALUES ('whs_old', 'ep_old', ?, 'x')", args: [secret] });
    raw.close();
    await expect(liveWebhookSecrets(t.db, ['ep_old'], '2026-01-01')).rejects.toThrow(/not sealed/);

    expect(await installKeys(t.ctx)).toMatchObject({ sealed: 1 });
    expect((await liveWebhookSecrets(t.db, ['ep_old'], '2026-01-01')).get('ep_old')).toEqual([secret]);
    expect((await fileBytes(t)).includes(secret)).toBe(false);
    expect((await rows(t)).at(-1)).toMatchObject({ action: 'secrets.sealed' });
  });
});

describe('the background check of the trail', () => {
  it('goes on from the last verified entry, and a forged result is shown as forged', async () => {
    const t = await trail(3);
    const first = await checkAuditTrail(t.db, t.clock, 'incremental');
    expect(first).toMatchObject({ ok: true, kind: 'full', fromSeq: 0, throughSeq: 3 });
    await createOrganisation(t.ctx, setup, { name: 'Later GmbH', kind: 'distributor' });
    expect(await checkAuditTrail(t.db, t.clock, 'incremental')).toMatchObject({ ok: true, kind: 'incremental', fromSeq: 3, throughSeq: 4 });

    // A change after the verified point is caught by the next incremental check.
    await createOrganisation(t.ctx, setup, { name: 'Latest GmbH', kind: 'distributor' });
    await rewrite(t, 5, '{"name":"Other"}');
    expect(await checkAuditTrail(t.db, t.clock, 'incremental')).toMatchObject({ ok: false, firstBrokenSeq: 5, code: 'mac_invalid' });

    // An attacker writes a "verified, all fine" row without the key.
    const raw = rawClient(t.url);
    await raw.execute({
      sql: `INSERT INTO audit_verifications (at, kind, from_seq, through_seq, through_hash, ok, mac, mac_key) VALUES ('2026-03-03T00:00:00.000Z', 'full', 0, 5, ?, 1, ?, ?)`,
      args: ['00', createHash('sha256').update('x').digest('hex'), t.db.keys.currentKeyId],
    });
    raw.close();
    expect(await latestAuditVerification(t.db)).toMatchObject({ ok: false, authentic: false, code: 'record_forged' });
  });
});

describe('the background check after a truncation', () => {
  it('names the verified entry that is gone, though the trail that is left is consistent and keyed', async () => {
    const t = await trail(4);
    expect(await checkAuditTrail(t.db, t.clock, 'full')).toMatchObject({ ok: true, throughSeq: 4 });
    const kept = (await rows(t))[1]!;
    const raw = rawClient(t.url);
    await raw.executeMultiple('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 2;');
    await raw.execute({ sql: 'UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1', args: [kept.seq, kept.hash] });
    await expect(raw.execute('DELETE FROM audit_verifications')).rejects.toThrow(/append-only/);
    raw.close();
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    expect(await checkAuditTrail(t.db, t.clock, 'incremental')).toMatchObject({ ok: false, firstBrokenSeq: 4, code: 'entry_missing' });
  });
});

describe('signatures against the audit trail', () => {
  it('a signature inserted or edited behind Lotbridge’s back has no matching MACed entry: audit verify says so [REQ-P11-ESIG-02]', async () => {
    const t = await testDatabase();
    open.push(t);
    await installKeys(t.ctx);
    await seedDemo(t.ctx);
    const qa = await actorFor(t.db, demo('manufacturer_qa').email);
    const real = await t.db.transaction((tx) =>
      recordSignature(tx, t.clock, qa, { method: 'password', credentialId: null }, { entityType: 'certificate', entityId: 'cert_1', recordHash: 'a'.repeat(64), meaning: 'review' }),
    );
    expect((await verify(t)).code).toBe(0);

    const raw = rawClient(t.url);
    await raw.executeMultiple('DROP TRIGGER signatures_no_update;');
    await raw.execute({ sql: "UPDATE signatures SET meaning = 'approval' WHERE id = ?", args: [real.id] });
    await raw.execute({
      sql: `INSERT INTO signatures (id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, signer_email, organisation_id, method, signed_at)
            VALUES ('sig_forged', 'certificate', 'cert_2', ?, 'approval', ?, ?, ?, ?, 'password', '2026-03-02T09:30:00.000Z')`,
      args: ['b'.repeat(64), qa.userId, qa.displayName, qa.email, qa.organisationId],
    });
    raw.close();
    const cli = await verify(t);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`signature ${real.id} on certificate cert_1 differs from its audit entry`);
    expect(cli.stderr).toContain('signature sig_forged on certificate cert_2 has no signature.applied entry');
  });

  it('a signature deleted, or its printed name changed, is named too [REQ-P11-ESIG-02]', async () => {
    const t = await testDatabase();
    open.push(t);
    await installKeys(t.ctx);
    await seedDemo(t.ctx);
    const qa = await actorFor(t.db, demo('manufacturer_qa').email);
    const sign = (entityId: string) =>
      t.db.transaction((tx) => recordSignature(tx, t.clock, qa, { method: 'password', credentialId: null }, { entityType: 'certificate', entityId, recordHash: 'c'.repeat(64), meaning: 'rejection' }));
    const removed = await sign('cert_3');
    const renamed = await sign('cert_4');
    const raw = rawClient(t.url);
    await raw.executeMultiple('DROP TRIGGER signatures_no_update; DROP TRIGGER signatures_no_delete;');
    await raw.execute({ sql: 'DELETE FROM signatures WHERE id = ?', args: [removed.id] });
    await raw.execute({ sql: "UPDATE signatures SET signer_name = 'Someone Else', signed_at = '2026-01-01T00:00:00.000Z' WHERE id = ?", args: [renamed.id] });
    raw.close();
    const cli = await verify(t);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`signature ${removed.id} on certificate cert_3, applied at audit entry`);
    expect(cli.stderr).toContain(`signature ${renamed.id} on certificate cert_4 differs from its audit entry`);
  });
});
