import { refusal, problem } from '../errors.ts';
import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { administeredScope, findAdministeredUser } from './user-admin.ts';
import { maxNameLength } from './limits.ts';

/**
 * An administrator disables a user: in the same transaction every session of theirs ends (the
 * next request with their cookie is anonymous) and they cannot sign in until re-enabled.
 * Disabling an already disabled user changes nothing.
 */
export async function disableUser(ctx: UseCaseContext, actor: Actor, input: { userId: string; reason?: string }): Promise<{ sessionsEnded: number }> {
  const scope = await administeredScope(ctx.db, actor);
  const reason = input.reason?.trim() || undefined;
  if (input.userId === actor.userId) throw refusal('invalid_input', 'you cannot disable your own account', { userId: problem('users.ownAccount') });
  if (reason && reason.length > maxNameLength) throw refusal('invalid_input', 'the reason is too long', { reason: problem('common.tooLong', { max: maxNameLength }) });
  return ctx.db.transaction(async (tx) => {
    const user = await findAdministeredUser(tx, scope, input.userId);
    const now = ctx.clock.now().toISOString();
    const { changes } = await tx.run('UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', [now, user.id]);
    if (changes === 0) return { sessionsEnded: 0 };
    const ended = await tx.run('DELETE FROM sessions WHERE user_id = ?', [user.id]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: user.organisation_id,
      action: 'user.disabled',
      entityType: 'user',
      entityId: user.id,
      oldValues: { disabledAt: null },
      newValues: { disabledAt: now, sessionsEnded: ended.changes },
      reason,
      requestId: ctx.requestId,
    });
    return { sessionsEnded: ended.changes };
  });
}
