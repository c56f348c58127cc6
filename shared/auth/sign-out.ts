import type { UseCaseContext } from '../context.ts';
import type { Actor } from './actor.ts';
import { asAuditActor } from './actor.ts';
import { recordAudit } from '../audit/record-audit.ts';

export async function signOut(ctx: UseCaseContext, actor: Actor, sessionId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.run('DELETE FROM sessions WHERE id = ? AND user_id = ?', [sessionId, actor.userId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'auth.signed_out',
      entityType: 'user',
      entityId: actor.userId,
      requestId: ctx.requestId,
    });
  });
}
