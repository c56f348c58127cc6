import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { queueMails, type OutgoingMail } from '../mail/queue-mail.ts';
import { queueAs2Message } from '../edi/messages/queue-as2-message.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { noticeTokenSigner, noticeUrl } from './notice-link.ts';
import { noticeRecipientsSql } from './notice-recipients.ts';
import { noticeMailText } from './send-recall-notices.ts';
import { getNoticeData } from './get-notice-data.ts';
import { renderNoticePdf } from './render-notice-pdf.ts';
import { consigneeLocales } from './notice-languages.ts';
import type { NoticeRevisionContent } from './notice-revisions.ts';

interface NoticeRow {
  id: string;
  distributor: string;
  name: string;
  language: string;
  recipients: string;
  link_expires_at: string;
  partner_id: string | null;
}

export interface SentRevision {
  /** Consignees sent the revised notice. */
  notices: number;
  mails: number;
  /** Consignees that are EDI partners and got the PDFs over AS2 as well. */
  as2: number;
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
 * the revision row is written, so the PDFs show it): one mail per recipient as they are now (its
 * recall contact, else its active users), in its organisation's language then the recall's
 * other notice languages, each part the revision's heading and the notice mail (noticeMailText)
 * with a fresh link, and the notice PDF per language rendered when the mail is sent; an EDI
 * partner also gets the PDFs over AS2 (rendered here: EDI partners are few).
 * Kept apart from send-recall-notices.ts on purpose (another change extracts its per-consignee
 * sending at the same time); the pieces it calls are that file's.
 */
export async function sendRevisedNotices(
  tx: Tx,
  ctx: Pick<UseCaseContext, 'clock'>,
  input: { recall: { id: string; recall_number: string; response_deadline: string; notice_locales: string }; revision: NoticeRevisionContent; issuedAt: string; previousIssuedAt: string; reason: string; reasons: Partial<Record<Locale, string>>; portalUrl: string },
): Promise<SentRevision> {
  const rows = await tx.all<NoticeRow>(
    `SELECT n.id, n.distributor_organisation_id AS distributor, o.name, o.language, ${noticeRecipientsSql} AS recipients, n.link_expires_at,
            (SELECT p.id FROM edi_partners AS p WHERE p.organisation_id = o.id AND p.state = 'active' AND p.as2_url IS NOT NULL ORDER BY p.id LIMIT 1) AS partner_id
       FROM recall_notices AS n JOIN organisations AS o ON o.id = n.distributor_organisation_id
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
    const recipients = JSON.parse(n.recipients) as string[];
    const url = noticeUrl(input.portalUrl, sign(n.id, n.link_expires_at));
    const subject = locales.map((l) => translate(l, `fsnRevision.mail.subject.${revision.type}`, { revision: revision.revision, reference: revision.fsnReference })).join(' / ');
    const text = locales
      .map((l) =>
        [
          revisionMailIntro(l, revision, input.issuedAt, input.previousIssuedAt),
          noticeMailText(l, { recallNumber: recall.recall_number, distributor: n.name, reason: input.reasons[l] ?? input.reason, deadline: recall.response_deadline, url }),
        ].join('\n\n'),
      )
      .join('\n\n----\n\n');
    const attachments = locales.map((locale) => ({ kind: 'recall-notice-pdf', ref: { recallId: recall.id, distributorOrganisationId: n.distributor, locale } }));
    for (const to of recipients) {
      mails.push({ to, subject, text, locale: locales[0] ?? 'en', purpose: 'recall.notice_revised', organisationId: n.distributor, entity: { type: 'recall_notice', id: n.id }, attachments });
    }
    if (n.partner_id) {
      as2++;
      const data = await getNoticeData(tx, { recallId: recall.id, distributorOrganisationId: n.distributor });
      for (const locale of locales) {
        await queueAs2Message(tx, ctx.clock, {
          partnerId: n.partner_id,
          payload: await renderNoticePdf(data, locale),
          filename: `field-safety-notice-${data.recallNumber}-r${revision.revision}-${locale}.pdf`,
          contentType: 'application/pdf',
          subject,
          purpose: 'recall_notice',
          relatesTo: { type: 'recall_notice', id: n.id },
        });
      }
    }
  }
  await queueMails(tx, ctx.clock, mails);
  return { notices: rows.length, mails: mails.length, as2 };
}
