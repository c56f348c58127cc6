import type { UseCaseContext } from '../context.ts';
import type { Actor } from './actor.ts';
import { asAuditActor } from './actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';

/** Removes one of the caller's own passkeys; another user's id is simply not found. */
export async function removePasskey(ctx: UseCaseContext, actor: Actor, credentialId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ name: string }>('SELECT name FROM passkey_credentials WHERE id = ? AND user_id = ?', [credentialId, actor.userId]);
    if (!row) throw new AppError('not_found', 'no such passkey on your account');
    await tx.run('DELETE FROM passkey_credentials WHERE id = ? AND user_id = ?', [credentialId, actor.userId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'passkey.removed',
      entityType: 'passkey',
      entityId: credentialId,
      oldValues: { name: row.name },
      requestId: ctx.requestId,
    });
  });
}
