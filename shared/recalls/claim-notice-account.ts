import type { UseCaseContext } from '../context.ts';
import { hashPassword, minPasswordLength } from '../auth/password.ts';
import { recordAudit, type AuditAction } from '../audit/record-audit.ts';
import { refusal, problem, type Problem, type Problems } from '../errors.ts';
import { newId } from '../ids.ts';
import { maxPasswordLength } from '../users/limits.ts';
import { checkNoticeToken, noticeLinkRefusal } from './notice-link.ts';
import { noticeForDistributor } from './notice-for-distributor.ts';
import { claimCodeMatches, claimCodeTries } from './notice-claim-code.ts';

type Outcome =
  | { ok: true; userId: string }
  | { ok: false; problem: Problem; status: 'invalid_input' | 'forbidden' | 'conflict' | 'not_found' };

/**
 * Second step: the code mailed to the notice's address, entered in time and within few tries,
 * creates the account, for that address (never one typed here) and with the printed name given
 * when the code was asked for, as a distributor user of the notice's organisation. A wrong
 * code is counted and audited; the last try locks the claim; an expired code is refused.
 */
export async function claimNoticeAccount(
  ctx: UseCaseContext,
  input: { token: string; claimId: string; code: string; password: string; confirm: string },
): Promise<{ userId: string; email: string; organisationId: string; noticeId: string; recallId: string }> {
  const check = await checkNoticeToken(ctx.db, input.token, ctx.clock.now());
  if (!check.ok) throw noticeLinkRefusal(check.reason, 'this link cannot create an account: open the link from the e-mail again');
  const notice = await noticeForDistributor(ctx.db, null, check.noticeId);
  const claim = await ctx.db.get<{ id: string; email: string; display_name: string }>('SELECT id, email, display_name FROM notice_claims WHERE id = ? AND notice_id = ?', [
    input.claimId,
    notice.id,
  ]);
  if (!claim) throw refusal('not_found', 'no such claim: ask for a code first', { code: problem('notices.noClaim') });

  const problems: Problems = {};
  if (!/^\s*\d{6}\s*$/.test(input.code)) problems.code = problem('notices.badCode');
  if (input.password.length < minPasswordLength) problems.password = problem('common.tooShort', { min: minPasswordLength });
  else if (input.password.length > maxPasswordLength) problems.password = problem('common.tooLong', { max: maxPasswordLength });
  else if (input.password !== input.confirm) problems.confirm = problem('users.differ');
  // Malformed input costs no try: it is not a guess at the code.
  if (Object.keys(problems).length) throw refusal('invalid_input', 'the code or password is not valid', problems);

  const passwordHash = await hashPassword(input.password);
  const system = { type: 'system' as const, name: `notice link of recall ${notice.recallNumber}` };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const now = ctx.clock.now().toISOString();
    const c = (await tx.get<{ state: string; attempts: number; expires_at: string; code_hash: string }>('SELECT state, attempts, expires_at, code_hash FROM notice_claims WHERE id = ?', [claim.id]))!;
    const audit = (action: AuditAction, newValues: Record<string, unknown>, reason?: string) =>
      recordAudit(tx, ctx.clock, {
        actor: system,
        organisationId: notice.distributorOrganisationId,
        action,
        entityType: 'recall_notice',
        entityId: notice.id,
        newValues: { claimId: claim.id, email: claim.email, ...newValues },
        reason,
        requestId: ctx.requestId,
      });
    // Ended claims are refused without a new audit entry (their end was audited once).
    if (c.state === 'locked') return { ok: false, status: 'forbidden', problem: problem('notices.claimLocked') };
    if (c.state !== 'pending') return { ok: false, status: 'forbidden', problem: problem(c.state === 'expired' ? 'notices.codeExpired' : 'notices.claimEnded') };
    if (c.expires_at <= now) {
      await tx.run("UPDATE notice_claims SET state = 'expired', ended_at = ? WHERE id = ?", [now, claim.id]);
      await audit('recall.notice_claim_refused', { expiresAt: c.expires_at }, 'code expired');
      return { ok: false, status: 'forbidden', problem: problem('notices.codeExpired') };
    }
    if (!claimCodeMatches(tx.keys, claim.id, input.code, c.code_hash)) {
      const attempts = c.attempts + 1;
      const locks = attempts >= claimCodeTries;
      await tx.run('UPDATE notice_claims SET attempts = ?, state = ?, ended_at = ? WHERE id = ?', [attempts, locks ? 'locked' : 'pending', locks ? now : null, claim.id]);
      await audit('recall.notice_claim_failed', { attempts }, 'wrong code');
      if (locks) {
        await audit('recall.notice_claim_locked', { attempts }, `${attempts} wrong codes`);
        return { ok: false, status: 'forbidden', problem: problem('notices.claimLocked') };
      }
      return { ok: false, status: 'invalid_input', problem: problem('notices.wrongCode', { left: claimCodeTries - attempts }) };
    }
    if (await tx.get('SELECT id FROM users WHERE email = ?', [claim.email])) return { ok: false, status: 'conflict', problem: problem('notices.accountExists') };
    await tx.run("UPDATE notice_claims SET state = 'used', ended_at = ? WHERE id = ?", [now, claim.id]);
    const userId = newId('usr');
    await tx.run('INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)', [userId, claim.email, claim.display_name, passwordHash, now]);
    await tx.run("INSERT INTO memberships (user_id, organisation_id, role, administers, created_at) VALUES (?, ?, 'distributor_user', 0, ?)", [
      userId,
      notice.distributorOrganisationId,
      now,
    ]);
    await audit('recall.notice_claimed', { userId });
    await recordAudit(tx, ctx.clock, {
      actor: system,
      organisationId: notice.distributorOrganisationId,
      action: 'user.created',
      entityType: 'user',
      entityId: userId,
      newValues: { email: claim.email, displayName: claim.display_name, role: 'distributor_user', addressVerifiedBy: 'one-time code mailed to the notice address', claimId: claim.id },
      requestId: ctx.requestId,
    });
    return { ok: true, userId };
  });
  if (!outcome.ok) throw refusal(outcome.status, `the account was not created: ${outcome.problem.code}`, { code: outcome.problem });
  return { userId: outcome.userId, email: claim.email, organisationId: notice.distributorOrganisationId, noticeId: notice.id, recallId: notice.recallId };
}
