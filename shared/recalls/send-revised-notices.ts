import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { queueMails, type OutgoingMail } from '../mail/queue-mail.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { noticeTokenSigner, noticeUrl } from './notice-link.ts';
import { noticeRecipientsSql } from './notice-recipients.ts';
import { noticeMails } from './send-recall-notices.ts';
import { queueNoticePdfsOverAs2 } from './issue-notices.ts';
import { consigneeLocales, type RecallTranslations } from './notice-languages.ts';
import { sendRevisedOnwardNotices } from './send-revised-onward-notices.ts';
import type { NoticeRevisionContent } from './notice-revisions.ts';

interface NoticeRow {
  id: string;
  distributor: string;
  name: string;
  language: string;
  time_zone: string;
  recipients: string;
  /** Its own reply deadline (a consignee added late has a later one), else the recall's. */
  deadline: string;
  link_expires_at: string;
  partner_id: string | null;
}

export interface SentRevision {
  /** Consignees sent the revised notice. */
  notices: number;
  mails: number;
  /** Consignees that are EDI partners and got the PDFs over AS2 as well. */
  as2: number;
  /** Customers the notice was passed on to, mailed the revision with their own link. */
  onward: number;
}

/**
 * The revision's heading in `locale`, as the mail and the PDF say it: "Update 2 — supersedes the
 * notice of 2026-03-02", the FSN reference, what changed (in that language when given) and
 * whether a new reply is asked.
 */
export function revisionMailIntro(locale: Locale, r: Pick<NoticeRevisionContent, 'type' | 'revision' | 'fsnReference' | 'change' | 'changeTranslations'>, issuedAt: string, previous: string): string {
  return [
    `${translate(locale, 'fsnRevision.reference')}: ${r.fsnReference}`,
    translate(locale, `fsnRevision.status.${r.type}`, { revision: r.revision, date: issuedAt.slice(0, 10), previous: previous.slice(0, 10) }),
    `${translate(locale, 'fsnRevision.changeHeading')}: ${r.changeTranslations?.[locale] ?? r.change}`,
    translate(locale, r.type === 'update' ? 'fsnRevision.replyAgain' : 'fsnRevision.replyStands'),
  ].join('\n');
}

/**
 * Sends every consignee of a recall the revised notice, inside the caller's transaction (after
 * the revision row is written, so the PDFs show it): the notice mail as issued (noticeMails: one
 * per recipient as they are now, in its organisation's language then the recall's other notice
 * languages, its own reply deadline in its organisation's zone, a fresh link, the notice PDF per
 * language rendered when the mail is sent) headed by the revision; an EDI partner also gets the
 * PDFs with the reply link over AS2 (queueNoticePdfsOverAs2); and every customer the notice was
 * passed on to, a mail with its own onward link (send-revised-onward-notices.ts).
 */
export async function sendRevisedNotices(
  tx: Tx,
  ctx: Pick<UseCaseContext, 'clock'>,
  input: { recall: { id: string; recall_number: string; notice_locales: string }; revision: NoticeRevisionContent; issuedAt: string; previousIssuedAt: string; reason: string; translations: RecallTranslations; portalUrl: string },
): Promise<SentRevision> {
  const rows = await tx.all<NoticeRow>(
    `SELECT n.id, n.distributor_organisation_id AS distributor, o.name, o.language, o.time_zone, ${noticeRecipientsSql} AS recipients, n.link_expires_at,
            ifnull(n.response_deadline, r.response_deadline) AS deadline,
            (SELECT p.id FROM edi_partners AS p WHERE p.organisation_id = o.id AND p.state = 'active' AND p.as2_url IS NOT NULL ORDER BY p.id LIMIT 1) AS partner_id
       FROM recall_notices AS n JOIN organisations AS o ON o.id = n.distributor_organisation_id JOIN recalls AS r ON r.id = n.recall_id
      WHERE n.recall_id = ?
      ORDER BY o.name, o.id`,
    [input.recall.id],
  );
  const { recall, revision } = input;
  const noticeLocales = JSON.parse(recall.notice_locales) as unknown[];
  const sign = await noticeTokenSigner(tx);
  const mails: OutgoingMail[] = [];
  let as2 = 0;
  for (const n of rows) {
    const locales = consigneeLocales(n.language, noticeLocales);
    const url = noticeUrl(input.portalUrl, sign(n.id, n.link_expires_at));
    const subject = locales.map((l) => translate(l, `fsnRevision.mail.subject.${revision.type}`, { revision: revision.revision, reference: revision.fsnReference })).join(' / ');
    mails.push(
      ...noticeMails(locales, {
        recall: { id: recall.id, recall_number: recall.recall_number, reason: input.reason, response_deadline: n.deadline },
        translations: input.translations,
        distributor: { id: n.distributor, name: n.name, timeZone: n.time_zone },
        noticeId: n.id,
        recipients: JSON.parse(n.recipients) as string[],
        url,
        revised: { heading: (l) => revisionMailIntro(l, revision, input.issuedAt, input.previousIssuedAt), subject },
      }),
    );
    if (n.partner_id) {
      as2++;
      await queueNoticePdfsOverAs2(tx, ctx.clock, { partnerId: n.partner_id, recallId: recall.id, distributorOrganisationId: n.distributor, noticeId: n.id, locales, replyUrl: url, subject, revision: revision.revision });
    }
  }
  await queueMails(tx, ctx.clock, mails);
  const onward = await sendRevisedOnwardNotices(tx, ctx, { recall, revision, issuedAt: input.issuedAt, previousIssuedAt: input.previousIssuedAt, portalUrl: input.portalUrl });
  return { notices: rows.length, mails: mails.length, as2, onward };
}
