import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueMails } from '../mail/queue-mail.ts';
import { noticeTokenSigner, noticeUrl } from './notice-link.ts';
import { noticeMails } from './send-recall-notices.ts';
import { consigneeLocales, readTranslations } from './notice-languages.ts';
import type { FollowUpOptions } from './send-recall-follow-ups.ts';
import { selectConsignees, withoutAddress, type ConsigneeSelection } from './select-consignees.ts';
import { recallRecordFindings } from '../signatures/verify-record-hashes.ts';
import { problem, refusal } from '../errors.ts';

/**
 * Manufacturer QA sends an open recall's notice again to chosen consignees (or every one
 * without a reply): the same e-mail as at the release (send-recall-notices.ts), with the
 * notice's link and PDFs, to the consignee's recipients as they are now; also to a consignee that has
 * replied (it may ask for the notice again). Refused, with nothing sent, for a recall that is
 * not open and a consignee nobody can be mailed at. In one transaction: the mails and per
 * consignee an audit entry naming QA. The follow-up schedule is not changed.
 */
export async function resendRecallNotices(ctx: UseCaseContext, actor: Actor, input: ConsigneeSelection & FollowUpOptions): Promise<{ consignees: number; mails: number }> {
  return ctx.db.transaction(async (tx) => {
    const { recall, notices } = await selectConsignees(tx, actor, input, withoutAddress);
    // The notice repeats the recall's texts: never from records altered since they were signed (a reminder, which quotes none, still may go).
    if ((await recallRecordFindings(tx, recall.id)).length) {
      throw refusal('conflict', `recall ${recall.recallNumber} has records altered since they were recorded: its notice is not sent again`, { recall: problem('recalls.bulkRecordsAltered') });
    }
    const row = (await tx.get<{ reason: string; translations: string | null; notice_locales: string }>(
      "SELECT payload ->> '$.reason' AS reason, payload -> '$.translations' AS translations, notice_locales FROM recalls WHERE id = ?",
      [recall.id],
    ))!;
    const noticeLocales = JSON.parse(row.notice_locales) as unknown[];
    const translations = readTranslations({ translations: row.translations ? JSON.parse(row.translations) : undefined });
    const sign = await noticeTokenSigner(tx);
    let mails = 0;
    for (const n of notices) {
      const recipients = JSON.parse(n.recipients) as string[];
      const ids = await queueMails(
        tx,
        ctx.clock,
        noticeMails(consigneeLocales(n.language, noticeLocales), {
          recall: { id: recall.id, recall_number: recall.recallNumber, reason: row.reason, response_deadline: n.response_deadline },
          translations,
          distributor: { id: n.distributor_organisation_id, name: n.name, timeZone: n.time_zone },
          noticeId: n.id,
          recipients,
          url: noticeUrl(input.portalUrl, sign(n.id, n.link_expires_at)),
        }),
      );
      mails += ids.length;
      await recordAudit(tx, ctx.clock, {
        actor: asAuditActor(actor),
        organisationId: n.distributor_organisation_id,
        action: 'recall.notice_resent',
        entityType: 'recall_notice',
        entityId: n.id,
        newValues: { to: recipients, mails: ids, acknowledged: n.latest_version > 0 },
        reason: `notice of recall ${recall.recallNumber} sent again by manufacturer QA`,
        requestId: ctx.requestId,
      });
    }
    return { consignees: notices.length, mails };
  });
}
