import type { UseCaseContext } from '../../context.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { AppError } from '../../errors.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';

/**
 * Retires one of our key pairs once partners have our newer certificate: it no longer signs,
 * and decrypts only until its certificate expires. The last active key cannot be retired
 * (we could sign nothing); rotate first.
 */
export async function retireAs2IdentityKey(ctx: UseCaseContext, by: Operator, input: { keyId: string; reason?: string }): Promise<{ retiredAt: string }> {
  const { actor, organisationId } = authoriseOperator(by);
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction(async (tx) => {
    const key = await tx.get<{ id: string; state: string; fingerprint_sha256: string }>('SELECT id, state, fingerprint_sha256 FROM as2_identity_keys WHERE id = ?', [input.keyId]);
    if (!key) throw new AppError('not_found', `no AS2 key pair has the id "${input.keyId}"`);
    if (key.state !== 'active') throw new AppError('conflict', `AS2 key pair ${key.id} is already retired`);
    const others = await tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM as2_identity_keys WHERE state = 'active' AND purpose <> 'encryption' AND id <> ?", [key.id]);
    if (!others?.n) throw new AppError('conflict', `AS2 key pair ${key.id} is the only one that can sign; rotate to a new one before retiring it`);
    await tx.run("UPDATE as2_identity_keys SET state = 'retired', retired_at = ? WHERE id = ?", [now, key.id]);
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId,
      action: 'as2_identity_key.retired',
      entityType: 'as2_identity_key',
      entityId: key.id,
      oldValues: { state: 'active' },
      newValues: { state: 'retired', fingerprintSha256: key.fingerprint_sha256 },
      reason: input.reason?.trim() || undefined,
      requestId: ctx.requestId,
    });
    return { retiredAt: now };
  });
}
