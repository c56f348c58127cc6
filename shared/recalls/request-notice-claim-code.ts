import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { refusal, problem, type Problems } from '../errors.ts';
import { newId } from '../ids.ts';
import { maxNameLength } from '../users/limits.ts';
import { checkNoticeToken, noticeLinkRefusal } from './notice-link.ts';
import { noticeForDistributor } from './notice-for-distributor.ts';
import { noticeClaimAddresses } from './notice-recipients.ts';
import { claimCodeLifetimeMs, claimCodesPerDay, hashClaimCode, newClaimCode } from './notice-claim-code.ts';

/**
 * First step of making an account from a notice link: the link alone proves nothing (it can
 * be forwarded, logged, shared), so a one-time code goes to an address the notice was sent to,
 * or to the organisation's recall contact as it is now: a distributor reached only over AS2 (no
 * address at the release) is given one by the manufacturer's QA, then claims. The printed name the claimant gives is kept with the claim. A newer code replaces any
 * earlier one; sending is audited.
 */
export async function requestNoticeClaimCode(
  ctx: UseCaseContext,
  input: { token: string; email: string; displayName: string; locale: Locale },
): Promise<{ claimId: string; email: string; expiresAt: string }> {
  const check = await checkNoticeToken(ctx.db, input.token, ctx.clock.now());
  if (!check.ok) throw noticeLinkRefusal(check.reason, 'this link cannot create an account: open the link from the e-mail again');
  const notice = await noticeForDistributor(ctx.db, null, check.noticeId);
  const email = input.email.trim().toLowerCase();
  const displayName = input.displayName.trim();
  const problems: Problems = {};
  if (!(await noticeClaimAddresses(ctx.db, notice.id)).includes(email)) problems.email = problem('notices.notRecipient');
  if (!displayName) problems.displayName = problem('common.required');
  else if (displayName.length > maxNameLength) problems.displayName = problem('common.tooLong', { max: maxNameLength });
  if (Object.keys(problems).length) throw refusal('invalid_input', 'the account must be for an address this notice was sent to, with a printed name', problems);

  const now = ctx.clock.now();
  const claimId = newId('ncl');
  const code = newClaimCode();
  const expiresAt = new Date(now.getTime() + claimCodeLifetimeMs).toISOString();
  await ctx.db.transaction(async (tx) => {
    if (await tx.get('SELECT id FROM users WHERE email = ?', [email])) throw refusal('conflict', 'an account for this address exists already', { email: problem('notices.accountExists') });
    const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
    const sent = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM notice_claims WHERE notice_id = ? AND email = ? AND created_at > ?', [notice.id, email, dayAgo]);
    if (sent!.n >= claimCodesPerDay) throw refusal('forbidden', 'too many codes were sent to this address today', { email: problem('notices.tooManyCodes', { max: claimCodesPerDay }) });
    await tx.run("UPDATE notice_claims SET state = 'replaced', ended_at = ? WHERE notice_id = ? AND email = ? AND state = 'pending'", [now.toISOString(), notice.id, email]);
    await tx.run(
      "INSERT INTO notice_claims (id, notice_id, email, display_name, code_hash, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
      [claimId, notice.id, email, displayName, hashClaimCode(tx.keys, claimId, code), now.toISOString(), expiresAt],
    );
    await queueMail(tx, ctx.clock, {
      to: email,
      subject: translate(input.locale, 'noticeClaim.mail.subject', { recallNumber: notice.recallNumber }),
      text: translate(input.locale, 'noticeClaim.mail.text', { code, name: displayName, recallNumber: notice.recallNumber, minutes: claimCodeLifetimeMs / 60_000 }),
      locale: input.locale,
      purpose: 'recall.notice_claim_code',
      organisationId: notice.distributorOrganisationId,
      entity: { type: 'recall_notice', id: notice.id },
    });
    await recordAudit(tx, ctx.clock, {
      actor: { type: 'system', name: `notice link of recall ${notice.recallNumber}` },
      organisationId: notice.distributorOrganisationId,
      action: 'recall.notice_claim_code_sent',
      entityType: 'recall_notice',
      entityId: notice.id,
      newValues: { claimId, email, displayName, expiresAt },
      requestId: ctx.requestId,
    });
  });
  return { claimId, email, expiresAt };
}
