import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { checkNoticeToken, noticeLinkRefusal } from './notice-link.ts';
import { noticeForDistributor, type DistributorNotice } from './notice-for-distributor.ts';
import { noticeClaimAddresses } from './notice-recipients.ts';

export interface OpenedNotice extends DistributorNotice {
  /** The addresses the notice went to, or its organisation's recall contact as it is now (noticeClaimAddresses), and which of them already have an account. */
  recipients: { email: string; hasAccount: boolean }[];
  firstOpen: boolean;
}

const refusals = {
  malformed: 'this link is not a notice link: open the link from the e-mail again, or ask the manufacturer for a new one',
  forged: 'this link is not valid: open the link from the e-mail again, or ask the manufacturer for a new one',
  expired: 'this link has expired: sign in to the portal to see the notice, or ask the manufacturer for a new link',
} as const;

/**
 * Someone opened a notice through the link in its e-mail: the link's signature and expiry are
 * checked, the opening is counted (the first one is audited and posted to the ERP as
 * recall.notice_opened, unless `countOpening` is false), and the notice is returned for the
 * page. No account is needed.
 */
export async function openNoticeLink(ctx: UseCaseContext, token: string, options: { countOpening?: boolean } = {}): Promise<OpenedNotice> {
  const check = await checkNoticeToken(ctx.db, token, ctx.clock.now());
  if (!check.ok) throw noticeLinkRefusal(check.reason, refusals[check.reason]);
  return ctx.db.transaction(async (tx) => {
    const notice = await noticeForDistributor(tx, null, check.noticeId);
    const now = ctx.clock.now().toISOString();
    const before = await tx.get<{ first_opened_at: string | null }>('SELECT first_opened_at FROM recall_notices WHERE id = ?', [notice.id]);
    // The manufacturer's own staff (copied on escalations) opening the link is not the distributor opening it.
    const counted = options.countOpening ?? true;
    if (counted) await tx.run('UPDATE recall_notices SET first_opened_at = coalesce(first_opened_at, ?), last_opened_at = ?, open_count = open_count + 1 WHERE id = ?', [now, now, notice.id]);
    const firstOpen = counted && !before!.first_opened_at;
    if (firstOpen) {
      await recordAudit(tx, ctx.clock, {
        actor: { type: 'system', name: 'notice link' },
        organisationId: notice.distributorOrganisationId,
        action: 'recall.notice_opened',
        entityType: 'recall_notice',
        entityId: notice.id,
        newValues: { openedAt: now },
        requestId: ctx.requestId,
      });
      await enqueueEvent(tx, ctx.clock, {
        type: 'recall.notice_opened',
        aggregateType: 'recall',
        aggregateId: notice.recallId,
        organisationId: notice.distributorOrganisationId,
        data: { recallNumber: notice.recallNumber, noticeId: notice.id, distributor: notice.distributorRef, openedAt: now },
      });
    }
    const emails = await noticeClaimAddresses(tx, notice.id);
    const withAccount = new Set(
      (
        await tx.all<{ email: string }>(
          `SELECT lower(u.email) AS email FROM users AS u JOIN memberships AS m ON m.user_id = u.id
           WHERE m.organisation_id = ? AND lower(u.email) IN (SELECT value FROM json_each(?))`,
          [notice.distributorOrganisationId, JSON.stringify(emails)],
        )
      ).map((r) => r.email),
    );
    return { ...notice, recipients: emails.map((email) => ({ email, hasAccount: withAccount.has(email) })), firstOpen };
  });
}
