import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { isSealed } from './keyring.ts';
import { secretContext } from './secrets.ts';
import { sealMailBody } from '../mail/mail-body.ts';

const system = { type: 'system' as const, name: 'Lotbridge' };

/**
 * Run at every start, after the migrations. Refuses keys this database was never used with
 * (a lost or swapped key file would otherwise start a new, unverifiable chain); records a new
 * key (first start, or after `keys rotate`), with an audit entry when it replaces another or
 * when the chain has entries from before keys (that entry's MAC covers them); and seals any secret still stored in clear (databases from before keys).
 */
export async function installKeys(ctx: UseCaseContext): Promise<{ installedKey: string | null; sealed: number }> {
  const { db, clock } = ctx;
  const checks = await db.all<{ key_id: string; check_value: string }>('SELECT key_id, check_value FROM key_checks');
  const ours = db.keys.checkValues();
  if (checks.length > 0 && !checks.some((c) => ours[c.key_id] === c.check_value)) {
    throw new AppError('conflict', `the keys loaded (${Object.keys(ours).join(', ')}) were never used with this database (it knows ${checks.map((c) => c.key_id).join(', ')}): restore its key file from the backup`);
  }
  return db.transaction(async (tx) => {
    const known = new Set(checks.map((c) => c.key_id));
    const current = db.keys.currentKeyId;
    let installedKey: string | null = null;
    for (const [keyId, checkValue] of Object.entries(ours)) {
      if (known.has(keyId)) continue;
      await tx.run('INSERT INTO key_checks (key_id, check_value, created_at) VALUES (?, ?, ?)', [keyId, checkValue, clock.now().toISOString()]);
      if (keyId === current) installedKey = keyId;
    }
    // A new key is recorded in the trail when it replaces another (a rotation) or when entries
    // from before keys existed need covering: the new entry's MAC covers them through its link.
    const head = await tx.get<{ last_seq: number; mac: string | null }>('SELECT h.last_seq, l.mac FROM audit_head h LEFT JOIN audit_log l ON l.seq = h.last_seq WHERE h.id = 1');
    if (installedKey && (checks.length > 0 || (head && head.last_seq > 0 && head.mac === null))) {
      await recordAudit(tx, clock, {
        actor: system,
        organisationId: null,
        action: checks.length === 0 ? 'audit.keys_installed' : 'audit.key_rotated',
        entityType: 'audit_trail',
        entityId: null,
        newValues: { keyId: installedKey, entriesBefore: head?.last_seq ?? 0 },
      });
    }
    const sealed = await sealClearSecrets(tx);
    if (sealed.total > 0) {
      await recordAudit(tx, clock, { actor: system, organisationId: null, action: 'secrets.sealed', entityType: 'secrets', entityId: null, newValues: sealed.counts });
    }
    return { installedKey, sealed: sealed.total };
  });
}

async function sealClearSecrets(tx: Tx): Promise<{ total: number; counts: Record<string, number> }> {
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
  return { total: counts.as2PrivateKeys + counts.webhookSecrets + counts.serverKeys + counts.mailBodies, counts };
}
