import type { UseCaseContext } from '../context.ts';
import type { Session } from './session.ts';
import { createSession } from './session.ts';
import { burnPasswordCheck, verifyPassword } from './password.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { findSignInUser, refuseUnusableAccount } from './find-sign-in-user.ts';
import { countFailedCredential } from './count-failed-credential.ts';
import { oneCredentialCheckAtATime } from './credential-lock.ts';

export interface PasswordSignIn {
  email: string;
  password: string;
}

/**
 * E-mail + password sign-in (21 CFR 11.300): counts consecutive failures, locks the account
 * at the policy's threshold and audits every failure and the lock, so QA can be alerted.
 */
export async function signInWithPassword(ctx: UseCaseContext, input: PasswordSignIn): Promise<{ token: string; session: Session }> {
  const { db, clock, policy } = ctx;
  const email = input.email.trim().toLowerCase();
  if (!email || !input.password) {
    throw new AppError('invalid_input', 'enter your e-mail address and password', {
      ...(email ? {} : { email: 'required' }),
      ...(input.password ? {} : { password: 'required' }),
    });
  }
  const found = await findSignInUser(db, { email });
  if (!found || !found.password_hash) {
    await burnPasswordCheck(input.password);
    throw new AppError('invalid_credentials', 'the e-mail address or password is wrong');
  }
  return oneCredentialCheckAtATime(found.id, async () => {
    // Read again inside the queue: the previous guess may have locked the account.
    const user = (await findSignInUser(db, { id: found.id }))!;
    await refuseUnusableAccount(ctx, user, 'password');

    if (await verifyPassword(user.password_hash!, input.password)) {
      return db.transaction(async (tx) => {
        // A lock set meanwhile (by another process) stands; only an expired one is cleared.
        const { changes } = await tx.run('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)', [
          user.id,
          clock.now().toISOString(),
        ]);
        if (changes === 0) throw new AppError('account_locked', 'too many failed sign-ins: this account is locked', { lockedUntil: user.locked_until ?? '' });
        const created = await createSession(tx, clock, policy, { userId: user.id, organisationId: user.organisation_id, authMethod: 'password' });
        await recordAudit(tx, clock, {
          actor: { type: 'user', id: user.id, name: user.display_name },
          organisationId: user.organisation_id,
          action: 'auth.signed_in',
          entityType: 'user',
          entityId: user.id,
          newValues: { method: 'password' },
          requestId: ctx.requestId,
        });
        return created;
      });
    }

    const lockedUntil = await db.transaction((tx) => countFailedCredential(tx, clock, policy, user, 'password', ctx.requestId));
    if (lockedUntil) {
      throw new AppError('account_locked', `too many failed sign-ins: this account is locked until ${lockedUntil.slice(11, 16)} UTC`, { lockedUntil });
    }
    throw new AppError('invalid_credentials', 'the e-mail address or password is wrong');
  });
}
