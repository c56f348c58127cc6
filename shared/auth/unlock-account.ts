import type { UseCaseContext } from '../context.ts';
import type { Actor } from './actor.ts';
import { asAuditActor } from './actor.ts';
import { clearAllAddressThrottles } from './sign-in-throttle.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { administeredScope, findAdministeredUser, scopeSql } from '../users/user-admin.ts';

export interface LockedAccount {
  userId: string;
  email: string;
  displayName: string;
  organisationId: string;
  organisationName: string;
  lockedUntil: string;
}

/** The accounts locked right now that this administrator may unlock, soonest lock end first. */
export async function listLockedAccounts(ctx: UseCaseContext, actor: Actor): Promise<LockedAccount[]> {
  const scope = scopeSql(await administeredScope(ctx.db, actor));
  const rows = await ctx.db.all<{ id: string; email: string; display_name: string; organisation_id: string; name: string; locked_until: string }>(
    `SELECT u.id, u.email, u.display_name, m.organisation_id, o.name, u.locked_until
       FROM users u JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.organisation_id
      WHERE u.locked_until > ? AND ${scope.sql}
      ORDER BY u.locked_until, u.email LIMIT 100`,
    [ctx.clock.now().toISOString(), ...scope.args],
  );
  return rows.map((r) => ({ userId: r.id, email: r.email, displayName: r.display_name, organisationId: r.organisation_id, organisationName: r.name, lockedUntil: r.locked_until }));
}

/**
 * Ends an account's lock before its time, and every per-source block of its address, at an
 * administrator's request: audited with the lock it ended. Another organisation's user is
 * simply not found for an organisation administrator.
 */
export async function unlockAccount(ctx: UseCaseContext, actor: Actor, userId: string): Promise<{ email: string }> {
  const scope = await administeredScope(ctx.db, actor);
  return ctx.db.transaction(async (tx) => {
    const found = await findAdministeredUser(tx, scope, userId);
    const user = (await tx.get<{ id: string; email: string; failed_attempts: number; locked_until: string | null }>('SELECT id, email, failed_attempts, locked_until FROM users WHERE id = ?', [found.id]))!;
    await tx.run('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?', [user.id]);
    const blocksEnded = await clearAllAddressThrottles(tx, user.email);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: found.organisation_id,
      action: 'auth.account_unlocked',
      entityType: 'user',
      entityId: user.id,
      oldValues: { lockedUntil: user.locked_until, failedAttempts: user.failed_attempts },
      newValues: { lockedUntil: null, failedAttempts: 0, sourceBlocksEnded: blocksEnded },
      requestId: ctx.requestId,
    });
    return { email: user.email };
  });
}
