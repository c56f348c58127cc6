import type { Db } from '../db/index.ts';
import type { UseCaseContext } from '../context.ts';
import type { Role } from './actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { lockedRefusal } from './lock-refusals.ts';

export interface SignInUser {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  failed_attempts: number;
  locked_until: string | null;
  disabled_at: string | null;
  organisation_id: string;
  role: Role;
}

/**
 * The person with the membership a session opens into (the earliest, one per user today). An API
 * key's technical user (users.kind = 'api_key') is never found: it has no way to sign in.
 */
export async function findSignInUser(db: Db, by: { email: string } | { id: string }): Promise<SignInUser | undefined> {
  const [column, value] = 'email' in by ? ['u.email', by.email] : ['u.id', by.id];
  return db.get<SignInUser>(
    `SELECT u.id, u.email, u.display_name, u.password_hash, u.failed_attempts, u.locked_until, u.disabled_at,
            m.organisation_id, m.role
       FROM users u JOIN memberships m ON m.user_id = u.id
      WHERE ${column} = ? AND u.kind = 'person'
      ORDER BY m.created_at LIMIT 1`,
    [value],
  );
}

/**
 * Refuses disabled and locked accounts before any credential is checked (no oracle while locked).
 * `lockApplies: false` lets a caller from one of the user's own sources past the lock.
 */
export async function refuseUnusableAccount(ctx: UseCaseContext, user: SignInUser, method: 'password' | 'passkey', options: { lockApplies?: boolean } = {}): Promise<void> {
  if (user.disabled_at) {
    await ctx.db.transaction((tx) =>
      recordAudit(tx, ctx.clock, {
        actor: { type: 'user', id: user.id, name: user.display_name },
        organisationId: user.organisation_id,
        action: 'auth.sign_in_refused',
        entityType: 'user',
        entityId: user.id,
        newValues: { method },
        reason: 'account disabled',
        requestId: ctx.requestId,
      }),
    );
    throw new AppError('invalid_credentials', 'this account is disabled; ask your administrator');
  }
  const now = ctx.clock.now();
  if (options.lockApplies !== false && user.locked_until && new Date(user.locked_until).getTime() > now.getTime()) {
    await ctx.db.transaction((tx) =>
      recordAudit(tx, ctx.clock, {
        actor: { type: 'user', id: user.id, name: user.display_name },
        organisationId: user.organisation_id,
        action: 'auth.sign_in_refused',
        entityType: 'user',
        entityId: user.id,
        newValues: { method },
        reason: 'account locked',
        requestId: ctx.requestId,
      }),
    );
    throw lockedRefusal(`too many failed sign-ins: this account is locked until ${user.locked_until.slice(11, 16)} UTC`, user.locked_until);
  }
}
