import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import type { Session } from './session.ts';
import { createSession } from './session.ts';
import { burnPasswordCheck, verifyPassword } from './password.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { lockedRefusal, sourceBlockedRefusal } from './lock-refusals.ts';
import { findSignInUser, type SignInUser } from './find-sign-in-user.ts';
import { countFailedCredential } from './count-failed-credential.ts';
import { oneCredentialCheckAtATime } from './credential-lock.ts';
import { clearAddressThrottle, countThrottledFailure, isKnownSource, readThrottle, rememberSource, unspecifiedSource, type ThrottleState } from './sign-in-throttle.ts';

export interface PasswordSignIn {
  email: string;
  password: string;
  /** Where the attempt comes from (client-source.ts); callers without one (CLI, tests) share "unspecified". */
  source?: string;
}

/**
 * E-mail + password sign-in (21 CFR 11.300). The answer depends only on the password and on
 * what this source did, never on whether the address has an account:
 * - a source with too many failures over any addresses: 429, nothing checked;
 * - an address with `lockoutThreshold` failures from this source (known or not): 423 there;
 * - otherwise a wrong password, an unknown address, and an account locked by failures
 *   elsewhere all answer 401 "wrong e-mail address or password" after the same password work.
 * The Part 11 account lock stays: consecutive failures from anywhere lock the account at the
 * threshold, audited (and alerted); while locked, no password is even checked for it from a
 * source the user has never signed in from. From the user's own sources (a successful sign-in
 * within 90 days) only that source's own count applies, so someone elsewhere cannot keep the
 * owner out; a passkey from there works too, and an administrator can unlock.
 */
export async function signInWithPassword(ctx: UseCaseContext, input: PasswordSignIn): Promise<{ token: string; session: Session }> {
  const { db, clock, policy } = ctx;
  const email = input.email.trim().toLowerCase();
  const source = input.source ?? unspecifiedSource;
  if (!email || !input.password) {
    throw refusal('invalid_input', 'enter your e-mail address and password', {
      ...(email ? {} : { email: problem('common.required') }),
      ...(input.password ? {} : { password: problem('common.required') }),
    });
  }
  const found = await findSignInUser(db, { email });
  // One check at a time per address: parallel guesses each see the count the previous one left.
  return oneCredentialCheckAtATime(found?.id ?? `address:${email}`, async () => {
    const throttle = await readThrottle(db, clock, { email, source });
    if (throttle.sourceBlockedUntil) {
      throw sourceBlockedRefusal(throttle.sourceBlockedUntil);
    }
    // Read again inside the queue: the previous guess may have locked the account.
    const user = found && (await findSignInUser(db, { id: found.id }));
    const now = clock.now();
    const accountLocked = !!user?.locked_until && new Date(user.locked_until).getTime() > now.getTime();

    if (throttle.addressBlockedUntil) {
      if (user) await auditRefusal(ctx, user, accountLocked ? 'account locked' : 'too many failed sign-ins from this source');
      throw lockedAnswer(throttle.addressBlockedUntil);
    }

    const lockApplies = !!user && accountLocked && !(await isKnownSource(db, clock, user.id, source));
    if (!user || !user.password_hash || user.disabled_at || lockApplies) {
      // As long as checking a password takes, and counted like a wrong one.
      await burnPasswordCheck(input.password);
      const counted = await db.transaction(async (tx) => {
        if (user?.disabled_at) await auditRefusal(ctx, user, 'account disabled', tx);
        else if (user && lockApplies) await auditRefusal(ctx, user, 'account locked', tx);
        return countThrottledFailure(tx, clock, policy, { email, source });
      });
      throw failureAnswer(counted);
    }

    if (await verifyPassword(user.password_hash, input.password)) {
      return db.transaction(async (tx) => {
        if (accountLocked) {
          // From one of the user's own sources: in, while the lock stands for everyone else.
          await tx.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [user.id]);
        } else {
          // A lock set meanwhile (by another process) stands; only an expired one is cleared.
          const { changes } = await tx.run('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)', [
            user.id,
            now.toISOString(),
          ]);
          if (changes === 0) throw lockedRefusal('too many failed sign-ins: this account is locked', user.locked_until ?? '');
        }
        await clearAddressThrottle(tx, { email, source });
        await rememberSource(tx, clock, user.id, source);
        const created = await createSession(tx, clock, policy, { userId: user.id, organisationId: user.organisation_id, authMethod: 'password' });
        await recordAudit(tx, clock, {
          actor: { type: 'user', id: user.id, name: user.display_name },
          organisationId: user.organisation_id,
          action: 'auth.signed_in',
          entityType: 'user',
          entityId: user.id,
          newValues: accountLocked ? { method: 'password', whileLocked: true, lockedUntil: user.locked_until } : { method: 'password' },
          reason: accountLocked ? 'from a source this user signed in from before; the lock stands for other sources' : undefined,
          requestId: ctx.requestId,
        });
        return created;
      });
    }

    const counted = await db.transaction(async (tx) => {
      await countFailedCredential(tx, clock, policy, user, 'password', ctx.requestId);
      return countThrottledFailure(tx, clock, policy, { email, source });
    });
    throw failureAnswer(counted);
  });
}

function lockedAnswer(until: string): AppError {
  return lockedRefusal(`too many failed sign-ins: this account is locked until ${until.slice(11, 16)} UTC`, until);
}

/** After a counted failure: 423 once this address is blocked from this source, else 401. */
function failureAnswer(counted: ThrottleState): AppError {
  if (counted.addressBlockedUntil) return lockedAnswer(counted.addressBlockedUntil);
  return new AppError('invalid_credentials', 'the e-mail address or password is wrong');
}

async function auditRefusal(ctx: UseCaseContext, user: SignInUser, reason: string, tx?: Tx): Promise<void> {
  const write = (t: Tx) =>
    recordAudit(t, ctx.clock, {
      actor: { type: 'user', id: user.id, name: user.display_name },
      organisationId: user.organisation_id,
      action: 'auth.sign_in_refused',
      entityType: 'user',
      entityId: user.id,
      newValues: { method: 'password' },
      reason,
      requestId: ctx.requestId,
    });
  if (tx) await write(tx);
  else await ctx.db.transaction(write);
}
