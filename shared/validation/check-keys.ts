import { createHash, X509Certificate } from 'node:crypto';
import type { Tx } from '../db/index.ts';
import { checkResult, finding } from './check.ts';
import type { Finding, ValidationCheck } from './report.ts';

const fingerprint = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Whether the database records the current master key (key_checks) with the key file's check value. */
export async function keysInstalled(db: Tx): Promise<{ keysInstalled: boolean; currentKeyId: string | null }> {
  let keys;
  try {
    keys = db.keys;
  } catch {
    return { keysInstalled: false, currentKeyId: null };
  }
  const row = await db.get<{ check_value: string }>('SELECT check_value FROM key_checks WHERE key_id = ?', [keys.currentKeyId]);
  return { keysInstalled: !!row && row.check_value === keys.checkValues()[keys.currentKeyId], currentKeyId: keys.currentKeyId };
}

/**
 * IQ `iq.keys`: the keys present, by fingerprint only (never a secret): the master keys kept
 * outside the database (their check values, and whether the database knows each), the audit
 * checkpoint signing keys (SHA-256 of the Ed25519 public key), our AS2 identity certificates
 * (SHA-256 of the DER, and whether one is active and unexpired). Findings: no master key, the
 * current key not installed on this database, a check value that differs from the database's,
 * an AS2 certificate recorded with another fingerprint than its own.
 */
export async function checkKeys(db: Tx, now: Date): Promise<ValidationCheck> {
  const findings: Finding[] = [];
  const facts: ValidationCheck['facts'] = {};
  let keys;
  try {
    keys = db.keys;
  } catch {
    return checkResult('iq.keys', 'IQ', { masterKeys: 0 }, [finding('master_key_missing')]);
  }
  const recorded = new Map((await db.all<{ key_id: string; check_value: string }>('SELECT key_id, check_value FROM key_checks')).map((r) => [r.key_id, r.check_value]));
  const values = keys.checkValues();
  facts.masterKeys = keys.keyIds.length;
  facts.currentKeyId = keys.currentKeyId;
  for (const id of keys.keyIds) {
    facts[`masterKey.${id}`] = values[id]!;
    const known = recorded.get(id);
    if (known !== undefined && known !== values[id]) findings.push(finding('key_check_differs', { key: id }));
  }
  if (!recorded.has(keys.currentKeyId)) findings.push(finding('key_not_installed', { key: keys.currentKeyId }));
  for (const [id, publicKey] of Object.entries(keys.checkpointPublicKeys())) facts[`checkpointKey.${id}`] = fingerprint(Buffer.from(publicKey, 'base64url'));

  const as2 = await db.all<{ id: string; certificate_pem: string; fingerprint_sha256: string; state: string; not_after: string }>(
    'SELECT id, certificate_pem, fingerprint_sha256, state, not_after FROM as2_identity_keys ORDER BY created_at',
  );
  let activeValid = 0;
  for (const k of as2) {
    let actual: string;
    try {
      actual = fingerprint(new X509Certificate(k.certificate_pem).raw);
    } catch {
      actual = '';
    }
    if (actual !== k.fingerprint_sha256) findings.push(finding('certificate_fingerprint_differs', { key: k.id }));
    facts[`as2.${k.id}`] = k.fingerprint_sha256;
    facts[`as2State.${k.id}`] = k.state;
    facts[`as2Until.${k.id}`] = k.not_after.slice(0, 10);
    if (k.state === 'active' && Date.parse(k.not_after) > now.getTime()) activeValid++;
  }
  facts.as2Keys = as2.length;
  facts.as2ActiveValid = activeValid;
  return checkResult('iq.keys', 'IQ', facts, findings);
}
