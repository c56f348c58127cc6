import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { administeredScope, findAdministeredUser } from './user-admin.ts';

/** An administrator re-enables a disabled user (who signs in again with their own credentials). */
export async function enableUser(ctx: UseCaseContext, actor: Actor, input: { userId: string }): Promise<void> {
  const scope = await administeredScope(ctx.db, actor);
  await ctx.db.transaction(async (tx) => {
    const user = await findAdministeredUser(tx, scope, input.userId);
    if (!user.disabled_at) return;
    // Guarded: only the call that finds it disabled enables it (and is audited).
    const { changes } = await tx.run('UPDATE users SET disabled_at = NULL WHERE id = ? AND disabled_at IS NOT NULL', [user.id]);
    if (changes === 0) return;
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: user.organisation_id,
      action: 'user.enabled',
      entityType: 'user',
      entityId: user.id,
      oldValues: { disabledAt: user.disabled_at },
      newValues: { disabledAt: null },
      requestId: ctx.requestId,
    });
  });
}
