import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { Actor } from '../auth/actor.ts';
import { asAuditActor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { newId } from '../ids.ts';
import type { SignatureMeaning } from './record-hash.ts';
import type { VerifiedSigner } from './verify-signer.ts';

export interface Signature {
  id: string;
  entityType: string;
  entityId: string;
  recordHash: string;
  meaning: SignatureMeaning;
  signerName: string;
  signerEmail: string;
  signedAt: string;
  method: 'password' | 'passkey';
  reason: string | null;
}

/**
 * Writes the signature inside the transaction of the change it signs (an approval and its
 * signature commit together), with the printed name, time and meaning (11.50), bound to the
 * record hash (11.70), and audits it.
 */
export async function recordSignature(
  tx: Tx,
  clock: Clock,
  actor: Actor,
  signer: VerifiedSigner,
  input: { entityType: string; entityId: string; recordHash: string; meaning: SignatureMeaning; reason?: string; requestId?: string },
): Promise<Signature> {
  const signature: Signature = {
    id: newId('sig'),
    entityType: input.entityType,
    entityId: input.entityId,
    recordHash: input.recordHash,
    meaning: input.meaning,
    signerName: actor.displayName,
    signerEmail: actor.email,
    signedAt: clock.now().toISOString(),
    method: signer.method,
    reason: input.reason ?? null,
  };
  await tx.run(
    `INSERT INTO signatures (id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, signer_email, organisation_id, method, credential_id, reason, signed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      signature.id,
      signature.entityType,
      signature.entityId,
      signature.recordHash,
      signature.meaning,
      actor.userId,
      signature.signerName,
      signature.signerEmail,
      actor.organisationId,
      signature.method,
      signer.credentialId,
      signature.reason,
      signature.signedAt,
    ],
  );
  await recordAudit(tx, clock, {
    actor: asAuditActor(actor),
    organisationId: actor.organisationId,
    action: 'signature.applied',
    entityType: input.entityType,
    entityId: input.entityId,
    newValues: { signature: signature.id, meaning: signature.meaning, recordHash: signature.recordHash, method: signature.method, signedAt: signature.signedAt },
    reason: input.reason,
    requestId: input.requestId,
  });
  return signature;
}
