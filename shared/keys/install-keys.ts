import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { isSealed } from './keyring.ts';
import { secretContext } from './secrets.ts';
import { sealMailBody } from '../mail/mail-body.ts';

const system = { type: 'system' as const, name: 'Lotbridge' };

/**
 * Run at every start, after the migrations.
 * - Refuses keys this database was never used with (a lost or swapped key file would
 *   otherwise start a new, unverifiable chain), and a database that lost its record of keys
 *   the key file says were installed on it (someone removed key_checks to have a rewritten
 *   trail blessed).
 * - The first time (installation): records the keys' check values; when the trail has
 *   entries from before keys, appends `audit.keys_installed`, whose MAC covers them through its
 *   link; records beside the keys up to which entry the trail predates them (every later entry
 *   must carry a MAC); and seals the secrets stored in clear until then. Only then: a secret in
 *   clear found later was written around Lotbridge and stops the start.
 * - After `keys rotate`: records the new key with `audit.key_rotated`.
 */
export async function installKeys(ctx: UseCaseContext): Promise<{ installedKey: string | null; sealed: number }> {
  const { db, clock } = ctx;
  const keys = db.keys;
  const ours = keys.checkValues();
  return db.transaction(async (tx) => {
    const checks = await tx.all<{ key_id: string; check_value: string }>('SELECT key_id, check_value FROM key_checks');
    if (checks.length > 0 && !checks.some((c) => ours[c.key_id] === c.check_value)) {
      throw new AppError('conflict', `the keys loaded (${Object.keys(ours).join(', ')}) were never used with this database (it knows ${checks.map((c) => c.key_id).join(', ')}): restore its key file from the backup`);
    }
    const installing = checks.length === 0;
    if (installing && keys.installation?.recordedAt) {
      throw new AppError('conflict', 'the key file says keys were installed on this database, but the database has no record of them (key_checks was emptied): the database was tampered with; restore it from a backup');
    }
    const known = new Set(checks.map((c) => c.key_id));
    let installedKey: string | null = null;
    for (const [keyId, checkValue] of Object.entries(ours)) {
      if (known.has(keyId)) continue;
      await tx.run('INSERT INTO key_checks (key_id, check_value, created_at) VALUES (?, ?, ?)', [keyId, checkValue, clock.now().toISOString()]);
      if (keyId === keys.currentKeyId) installedKey = keyId;
    }

    let sealed = 0;
    if (installing) {
      // Entries from before keys: every one up to the newest entry without a MAC.
      const legacy = await tx.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM audit_log WHERE mac IS NULL');
      const legacyThrough = legacy?.seq ?? 0;
      if (legacyThrough > 0) {
        await recordAudit(tx, clock, {
          actor: system,
          organisationId: null,
          action: 'audit.keys_installed',
          entityType: 'audit_trail',
          entityId: null,
          newValues: { keyId: keys.currentKeyId, entriesBefore: legacyThrough },
        });
      }
      const counts = await sealClearSecrets(tx);
      sealed = counts.as2PrivateKeys + counts.webhookSecrets + counts.serverKeys + counts.mailBodies;
      if (sealed > 0) await recordAudit(tx, clock, { actor: system, organisationId: null, action: 'secrets.sealed', entityType: 'secrets', entityId: null, newValues: counts });
      // A key file records the installation; keys from the environment refuse entries from
      // before keys beyond what LOTBRIDGE_KEY_LEGACY_THROUGH allows.
      if (!keys.installation || legacyThrough > keys.installation.legacyThrough) keys.markInstalled(legacyThrough);
    } else {
      if (installedKey) {
        await recordAudit(tx, clock, { actor: system, organisationId: null, action: 'audit.key_rotated', entityType: 'audit_trail', entityId: null, newValues: { keyId: installedKey } });
      }
      const clear = await clearSecrets(tx);
      if (clear.length) {
        throw new AppError('conflict', `secrets stored in clear after keys were installed (${clear.join(', ')}): they were written around Lotbridge; remove them, then rotate those secrets`);
      }
    }
    return { installedKey, sealed };
  });
}

const clearSecretQueries = {
  as2PrivateKeys: "SELECT id FROM as2_identity_keys WHERE private_key_pem NOT LIKE 'sealed:%'",
  webhookSecrets: "SELECT id FROM webhook_secrets WHERE secret NOT LIKE 'sealed:%'",
  serverKeys: "SELECT name AS id FROM server_keys WHERE typeof(key) <> 'text' OR key NOT LIKE 'sealed:%'",
};

async function clearSecrets(tx: Tx): Promise<string[]> {
  const found: string[] = [];
  for (const [table, sql] of Object.entries(clearSecretQueries)) {
    for (const r of await tx.all<{ id: string }>(sql)) found.push(`${table} ${r.id}`);
  }
  return found;
}

async function sealClearSecrets(tx: Tx): Promise<{ as2PrivateKeys: number; webhookSecrets: number; serverKeys: number; mailBodies: number }> {
  const counts = { as2PrivateKeys: 0, webhookSecrets: 0, serverKeys: 0, mailBodies: 0 };
  for (const r of await tx.all<{ id: string; private_key_pem: string }>('SELECT id, private_key_pem FROM as2_identity_keys')) {
    if (isSealed(r.private_key_pem)) continue;
    await tx.run('UPDATE as2_identity_keys SET private_key_pem = ? WHERE id = ?', [tx.keys.seal(secretContext.as2PrivateKey(r.id), r.private_key_pem), r.id]);
    counts.as2PrivateKeys++;
  }
  for (const r of await tx.all<{ id: string; secret: string }>('SELECT id, secret FROM webhook_secrets')) {
    if (isSealed(r.secret)) continue;
    await tx.run('UPDATE webhook_secrets SET secret = ? WHERE id = ?', [tx.keys.seal(secretContext.webhookSecret(r.id), r.secret), r.id]);
    counts.webhookSecrets++;
  }
  for (const r of await tx.all<{ name: string; key: ArrayBuffer | string }>('SELECT name, key FROM server_keys')) {
    if (isSealed(r.key)) continue;
    await tx.run('UPDATE server_keys SET key = ? WHERE name = ?', [tx.keys.seal(secretContext.serverKey(r.name), new Uint8Array(r.key as ArrayBuffer)), r.name]);
    counts.serverKeys++;
  }
  // Mail queued before bodies were sealed: its links and codes may still work.
  for (const r of await tx.all<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE substr(text_body, 1, 10) != 'sealed:v1:'")) {
    await tx.run('UPDATE mail_messages SET text_body = ? WHERE id = ?', [sealMailBody(tx.keys, r.id, r.text_body), r.id]);
    counts.mailBodies++;
  }
  return counts;
}
