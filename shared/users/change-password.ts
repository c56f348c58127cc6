import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { hashPassword, minPasswordLength, verifyPassword } from '../auth/password.ts';
import { countFailedCredential } from '../auth/count-failed-credential.ts';
import { oneCredentialCheckAtATime } from '../auth/credential-lock.ts';
import { findSignInUser, refuseUnusableAccount } from '../auth/find-sign-in-user.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { AppError, refusal, problem, type Problems } from '../errors.ts';
import { maxPasswordLength } from './limits.ts';

/**
 * A user changes their own password, proving the current one (a wrong one counts towards the
 * sign-in lockout like any failed credential; a locked or disabled account is refused first).
 * Every other session of theirs ends; the one in use stays. Audited, and the user is told by mail.
 */
export async function changePassword(
  ctx: UseCaseContext,
  actor: Actor,
  input: { sessionId: string; current: string; password: string; confirm: string; locale: Locale },
): Promise<{ otherSessionsEnded: number }> {
  const problems: Problems = {};
  if (!input.current) problems.current = problem('common.required');
  if (input.password.length < minPasswordLength) problems.password = problem('common.tooShort', { min: minPasswordLength });
  else if (input.password.length > maxPasswordLength) problems.password = problem('common.tooLong', { max: maxPasswordLength });
  else if (input.password === input.current) problems.password = problem('users.sameAsCurrent');
  else if (input.password !== input.confirm) problems.confirm = problem('users.differ');
  if (Object.keys(problems).length) throw refusal('invalid_input', 'the new password is not valid', problems);

  const user = await findSignInUser(ctx.db, { id: actor.userId });
  if (!user) throw new AppError('not_found', 'no such user');
  // As for any credential check: one at a time per user (guesses sent in parallel each see the
  // count and the lock the previous one left), and a locked or disabled account is refused
  // before the password is even looked at.
  await oneCredentialCheckAtATime(user.id, async () => {
    const fresh = (await findSignInUser(ctx.db, { id: actor.userId }))!;
    await refuseUnusableAccount(ctx, fresh, 'password');
    if (fresh.password_hash && (await verifyPassword(fresh.password_hash, input.current))) return;
    const lockedUntil = await ctx.db.transaction((tx) =>
      countFailedCredential(tx, ctx.clock, ctx.policy, fresh, 'password', ctx.requestId, { reason: 'wrong current password when changing the password' }),
    );
    throw refusal('invalid_input', 'the current password is wrong', { current: problem(lockedUntil ? 'users.wrongPasswordLocked' : 'users.wrongPassword') });
  });

  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async (tx) => {
    await tx.run('UPDATE users SET password_hash = ?, failed_attempts = 0 WHERE id = ?', [passwordHash, actor.userId]);
    const ended = await tx.run('DELETE FROM sessions WHERE user_id = ? AND id != ?', [actor.userId, input.sessionId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'user.password_changed',
      entityType: 'user',
      entityId: actor.userId,
      newValues: { otherSessionsEnded: ended.changes },
      requestId: ctx.requestId,
    });
    await queueMail(tx, ctx.clock, {
      to: actor.email,
      subject: translate(input.locale, 'users.mail.passwordChanged.subject'),
      text: translate(input.locale, 'users.mail.passwordChanged.text', { name: actor.displayName, at: `${ctx.clock.now().toISOString().slice(0, 16).replace('T', ' ')} UTC` }),
      locale: input.locale,
      purpose: 'user.password_changed',
      organisationId: actor.organisationId,
      entity: { type: 'user', id: actor.userId },
    });
    return { otherSessionsEnded: ended.changes };
  });
}
