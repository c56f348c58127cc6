import type { UseCaseContext } from '../context.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { verifyCheckpointSignature } from '../keys/keyring.ts';
import { canonicalJson, type AuditActor } from './entry.ts';
import { recordAudit } from './record-audit.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

/**
 * The signed head of the audit trail, to be kept somewhere the database's holder cannot reach
 * (the ERP, write-once storage, a printed page). Later, `audit verify --checkpoint` proves the
 * trail still holds that entry unchanged: a trail truncated or rewritten since, even by
 * someone who also stole the key file afterwards, no longer matches what was kept outside.
 */
export interface AuditCheckpoint {
  format: 'lotbridge-audit-checkpoint/1';
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  /** Ed25519 public key (SPKI DER, base64url) to check `signature` with. */
  publicKey: string;
  signature: string;
}

const signed = (c: Pick<AuditCheckpoint, 'format' | 'seq' | 'hash' | 'at'>) => canonicalJson({ format: c.format, seq: c.seq, hash: c.hash, at: c.at });

/** Verifies the whole chain, then signs its head. Refuses to sign a broken trail. */
export async function exportAuditCheckpoint(ctx: UseCaseContext, actor: AuditActor): Promise<AuditCheckpoint> {
  const verdict = await verifyAuditChain(ctx.db);
  if (!verdict.ok) throw new AppError('conflict', `the audit trail does not verify (entry ${verdict.firstBrokenSeq}: ${verdict.problem}); no checkpoint signed`);
  const body = { format: 'lotbridge-audit-checkpoint/1' as const, seq: verdict.headSeq, hash: verdict.headHash, at: ctx.clock.now().toISOString() };
  const { keyId, signature, publicKey } = ctx.db.keys.signCheckpoint(signed(body));
  const checkpoint: AuditCheckpoint = { ...body, keyId, publicKey, signature };
  await ctx.db.transaction((tx) =>
    recordAudit(tx, ctx.clock, {
      actor,
      organisationId: null,
      action: 'audit.checkpoint_exported',
      entityType: 'audit_trail',
      entityId: null,
      newValues: { seq: checkpoint.seq, hash: checkpoint.hash, keyId },
      requestId: ctx.requestId,
    }),
  );
  return checkpoint;
}

export type CheckpointProblemCode = 'checkpoint_malformed' | 'checkpoint_signature_invalid' | 'checkpoint_foreign_key' | 'checkpoint_entry_missing' | 'checkpoint_entry_differs';

export interface CheckpointVerdict {
  seq: number | null;
  ok: boolean;
  code?: CheckpointProblemCode;
  problem?: string;
}

/** Checks one exported checkpoint against this database and its keys. */
export async function verifyAuditCheckpoint(db: Db, input: unknown): Promise<CheckpointVerdict> {
  const c = input as Partial<AuditCheckpoint> | null;
  const fail = (code: CheckpointProblemCode, problem: string): CheckpointVerdict => ({ seq: typeof c?.seq === 'number' ? c.seq : null, ok: false, code, problem });
  if (
    !c ||
    c.format !== 'lotbridge-audit-checkpoint/1' ||
    !Number.isInteger(c.seq) ||
    typeof c.hash !== 'string' ||
    typeof c.at !== 'string' ||
    typeof c.keyId !== 'string' ||
    typeof c.publicKey !== 'string' ||
    typeof c.signature !== 'string'
  ) {
    return fail('checkpoint_malformed', 'not a Lotbridge audit checkpoint');
  }
  const ours = db.keys.checkpointPublicKeys()[c.keyId];
  if (ours !== c.publicKey) return fail('checkpoint_foreign_key', `the checkpoint names key ${c.keyId}, which is not one of this installation's keys`);
  if (!verifyCheckpointSignature(signed(c as AuditCheckpoint), c.signature, c.publicKey)) return fail('checkpoint_signature_invalid', 'the checkpoint signature does not verify: the checkpoint was edited');
  const entry = await db.get<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = ?', [c.seq!]);
  if (!entry) return fail('checkpoint_entry_missing', `entry ${c.seq} of the checkpoint is no longer in the trail: the trail was truncated`);
  if (entry.hash !== c.hash) return fail('checkpoint_entry_differs', `entry ${c.seq} differs from the checkpoint signed at ${c.at}: the trail was rewritten`);
  return { seq: c.seq!, ok: true };
}
