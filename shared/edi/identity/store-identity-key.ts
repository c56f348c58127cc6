import type { Tx } from '../../db/index.ts';
import type { AuditActor } from '../../audit/entry.ts';
import type { Clock } from '../../clock.ts';
import { recordAudit, type AuditAction } from '../../audit/record-audit.ts';
import { newId } from '../../ids.ts';
import { secretContext } from '../../keys/secrets.ts';
import type { GeneratedIdentityKey } from './generate-identity-key.ts';

/** Stores a generated key pair (purpose both, active) and audits it by fingerprint, never the key. */
export async function storeIdentityKey(
  tx: Tx,
  clock: Clock,
  audit: { actor: AuditActor; organisationId: string | null; action: AuditAction; reason?: string; requestId?: string },
  key: GeneratedIdentityKey,
): Promise<string> {
  const id = newId('as2key');
  const c = key.certificate;
  await tx.run(
    `INSERT INTO as2_identity_keys (id, purpose, private_key_pem, certificate_pem, fingerprint_sha256, subject, not_before, not_after, state, created_at)
     VALUES (?, 'both', ?, ?, ?, ?, ?, ?, 'active', ?)`,
    [id, tx.keys.seal(secretContext.as2PrivateKey(id), key.privateKeyPem), c.pem, c.fingerprintSha256, c.subject, c.notBefore.toISOString(), c.notAfter.toISOString(), clock.now().toISOString()],
  );
  await recordAudit(tx, clock, {
    actor: audit.actor,
    organisationId: audit.organisationId,
    action: audit.action,
    entityType: 'as2_identity_key',
    entityId: id,
    newValues: { purpose: 'both', state: 'active', fingerprintSha256: c.fingerprintSha256, subject: c.subject, serialNumber: c.serialNumber, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() },
    reason: audit.reason,
    requestId: audit.requestId,
  });
  return id;
}
