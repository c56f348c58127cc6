import { refusal, problem } from '../errors.ts';
import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { administeredScope, findAdministeredUser } from './user-admin.ts';

/**
 * Gives or takes a supplier's or distributor's user the right to administer their
 * organisation's users (in the manufacturer's organisation the role decides). Nobody changes
 * their own right, so an organisation never loses its last administrator by a slip.
 */
export async function setUserAdministrator(ctx: UseCaseContext, actor: Actor, input: { userId: string; administers: boolean }): Promise<void> {
  const scope = await administeredScope(ctx.db, actor);
  if (input.userId === actor.userId) throw refusal('invalid_input', 'you cannot change your own administrator right', { userId: problem('users.ownAccount') });
  await ctx.db.transaction(async (tx) => {
    const user = await findAdministeredUser(tx, scope, input.userId);
    if (user.organisation_kind === 'manufacturer') throw refusal('invalid_input', "in the manufacturer's organisation the role decides", { userId: problem('users.roleDecides') });
    if ((user.administers === 1) === input.administers) return;
    // Guarded on the value read: only the call that changes it is audited.
    const { changes } = await tx.run('UPDATE memberships SET administers = ? WHERE user_id = ? AND organisation_id = ? AND administers = ?', [
      input.administers ? 1 : 0,
      user.id,
      user.organisation_id,
      user.administers,
    ]);
    if (changes === 0) return;
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: user.organisation_id,
      action: 'user.administrator_set',
      entityType: 'user',
      entityId: user.id,
      oldValues: { administers: user.administers === 1 },
      newValues: { administers: input.administers },
      requestId: ctx.requestId,
    });
  });
}
