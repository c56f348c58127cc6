import type { Clock } from '../clock.ts';
import type { Tx } from '../db/index.ts';
import { enqueueEvents, type OutboxEvent } from '../outbox/enqueue-event.ts';
import { queueMails, type OutgoingMail } from '../mail/queue-mail.ts';
import { queueAs2Message } from '../edi/messages/queue-as2-message.ts';
import { newId } from '../ids.ts';
import type { Locale } from '../i18n/index.ts';
import { noticeTokenSigner, noticeUrl } from './notice-link.ts';
import { noticeRecipientsSql } from './notice-recipients.ts';
import { getNoticeData } from './get-notice-data.ts';
import { renderNoticePdf } from './render-notice-pdf.ts';
import { consigneeLocales, readTranslations } from './notice-languages.ts';
import { defaultReplyDays, type Severity } from './recall-terms.ts';
import { linkValidityAfterDeadlineMs, noticeMails, noticeSubject } from './send-recall-notices.ts';

/** What a notice went out on (recall_notices.channels). */
export const noticeChannels = ['email', 'as2', 'portal'] as const;
export type NoticeChannel = (typeof noticeChannels)[number];

/**
 * Why the notice mail goes out: 'notice' the notice itself (at the release, or to a consignee
 * added after it); 'lots_added' the same notice again, naming the lots just added to it.
 */
export type NoticeMailKind = 'notice' | 'lots_added';

/** The recall as the notices quote it (noticeRecallSql). */
export interface NoticeRecall {
  id: string;
  recall_number: string;
  state: string;
  severity: Severity;
  reason: string;
  translations: string | null;
  response_deadline: string;
  notice_locales: string;
}

export const noticeRecallSql =
  "SELECT id, recall_number, state, severity, payload ->> '$.reason' AS reason, payload -> '$.translations' AS translations, response_deadline, notice_locales FROM recalls WHERE id = ?";

/** A consignee's notice as issued now: created, or (it had one) sent again. */
export interface IssuedNotice {
  noticeId: string;
  distributorOrganisationId: string;
  /** False when the consignee already had its notice: no second one was made. */
  created: boolean;
  recipients: string[];
  /** What it went out on now; [] = nobody was reached. */
  channels: NoticeChannel[];
  mailIds: string[];
  as2Messages: number;
  responseDeadline: string;
  linkExpiresAt: string;
}

interface ConsigneeRow {
  distributor: string;
  name: string;
  erp_id: string | null;
  language: string;
  time_zone: string;
  recipients: string;
  portal: number;
  partner_id: string | null;
  notice_id: string | null;
  link_expires_at: string | null;
  notice_deadline: string | null;
  lots: string;
}

// One row per chosen consignee: its recipients as they are now, whether it has active portal
// users (people: an API key's technical user never signs in) and an AS2 partner profile, its notice if it has one, and its affected lots.
const consigneesSql = `
SELECT c.distributor_organisation_id AS distributor, o.name, o.erp_id, o.language, o.time_zone,
       ${noticeRecipientsSql} AS recipients,
       EXISTS (SELECT 1 FROM memberships AS m JOIN users AS u ON u.id = m.user_id
                WHERE m.organisation_id = o.id AND m.role = 'distributor_user' AND u.kind = 'person' AND u.disabled_at IS NULL) AS portal,
       (SELECT p.id FROM edi_partners AS p WHERE p.organisation_id = o.id AND p.state = 'active' AND p.as2_url IS NOT NULL ORDER BY p.id LIMIT 1) AS partner_id,
       n.id AS notice_id, n.link_expires_at, ifnull(n.response_deadline, r.response_deadline) AS notice_deadline,
       json_group_array(json_object('gtin', c.gtin, 'lot', c.lot, 'quantityShipped', c.quantity_shipped)) AS lots
FROM recall_consignees AS c
JOIN organisations AS o ON o.id = c.distributor_organisation_id
JOIN recalls AS r ON r.id = c.recall_id
LEFT JOIN recall_notices AS n ON n.recall_id = c.recall_id AND n.distributor_organisation_id = c.distributor_organisation_id
WHERE c.recall_id = ? AND c.distributor_organisation_id IN (SELECT value FROM json_each(?))
GROUP BY c.distributor_organisation_id
ORDER BY o.name, o.id`;

/**
 * The reply deadline of a notice issued at `sentAt`: the recall's, and for a notice issued after
 * the release (a consignee added to an open recall) at least the default reply time of the
 * recall's severity from its own notice, so it is not overdue, or escalated, the day it arrives.
 */
export function noticeDeadline(recall: Pick<NoticeRecall, 'state' | 'severity' | 'response_deadline'>, sentAt: Date): string {
  if (recall.state === 'received') return recall.response_deadline;
  const ownTime = new Date(sentAt.getTime() + defaultReplyDays[recall.severity] * 86_400_000).toISOString();
  return ownTime > recall.response_deadline ? ownTime : recall.response_deadline;
}

/**
 * Issues a recall's notice to the chosen consignees inside the caller's transaction. A consignee
 * without a notice gets one: its recall_notices row (recipients, channels and its reply deadline
 * fixed as sent); one that has its notice gets it again, never a second one. Either way: the
 * mail in its organisation's language, then the recall's other notice languages, to its
 * recipients as they are now, with the signed notice link and the notice PDF per language
 * (rendered when the mail is sent); over AS2 when it is an EDI partner, the notice PDFs with
 * the reply link (rendered here: EDI partners are few); and a recall.notice_sent event for the
 * ERP. `kind` words the mail; `addedLots` are named in a 'lots_added' mail. The caller audits.
 * Used by the release (send-recall-notices.ts) and the consignee added later (add-consignee.ts).
 */
export async function issueNotices(
  tx: Tx,
  clock: Clock,
  input: { recall: NoticeRecall; consignees: string[]; kind: NoticeMailKind; portalUrl: string; addedLots?: { gtin: string; lot: string | null; quantity: number }[] },
): Promise<IssuedNotice[]> {
  const { recall } = input;
  const rows = await tx.all<ConsigneeRow>(consigneesSql, [recall.id, JSON.stringify(input.consignees)]);
  const now = clock.now();
  const sentAt = now.toISOString();
  const deadline = noticeDeadline(recall, now);
  const noticeLocales = JSON.parse(recall.notice_locales) as string[];
  const translations = readTranslations({ translations: recall.translations ? JSON.parse(recall.translations) : undefined });
  const sign = await noticeTokenSigner(tx);

  const issued: (IssuedNotice & { mails: OutgoingMail[]; row: ConsigneeRow; url: string })[] = [];
  for (const c of rows) {
    const recipients = JSON.parse(c.recipients) as string[];
    const noticeId = c.notice_id ?? newId('rnt');
    const responseDeadline = c.notice_id ? c.notice_deadline! : deadline;
    const linkExpiresAt = c.link_expires_at ?? new Date(Date.parse(responseDeadline) + linkValidityAfterDeadlineMs).toISOString();
    const url = noticeUrl(input.portalUrl, sign(noticeId, linkExpiresAt));
    const mails = noticeMails(consigneeLocales(c.language, noticeLocales), {
      recall: { ...recall, response_deadline: responseDeadline },
      translations,
      distributor: { id: c.distributor, name: c.name, timeZone: c.time_zone },
      noticeId,
      recipients,
      url,
      ...(input.kind === 'lots_added' ? { addedLots: input.addedLots ?? [] } : {}),
    });
    const channels: NoticeChannel[] = [...(recipients.length ? ['email' as const] : []), ...(c.partner_id ? ['as2' as const] : []), ...(c.portal ? ['portal' as const] : [])];
    issued.push({ noticeId, distributorOrganisationId: c.distributor, created: !c.notice_id, recipients, channels, mailIds: [], as2Messages: 0, responseDeadline, linkExpiresAt, mails, row: c, url });
  }

  // Built in memory, written in one statement: a release can have thousands of consignees.
  const created = issued.filter((n) => n.created);
  await tx.run(
    `INSERT INTO recall_notices (id, recall_id, distributor_organisation_id, recipients, sent_at, link_expires_at, channels, response_deadline)
     SELECT n.value ->> '$.id', ?, n.value ->> '$.distributor', n.value ->> '$.recipients', ?, n.value ->> '$.expires', n.value ->> '$.channels', n.value ->> '$.deadline'
       FROM json_each(?) AS n`,
    [
      recall.id,
      sentAt,
      JSON.stringify(
        created.map((n) => ({ id: n.noticeId, distributor: n.distributorOrganisationId, recipients: n.row.recipients, expires: n.linkExpiresAt, channels: JSON.stringify(n.channels), deadline: n.responseDeadline })),
      ),
    ],
  );

  const mailIds = await queueMails(tx, clock, issued.flatMap((n) => n.mails));
  let next = 0;
  const events: OutboxEvent[] = [];
  for (const n of issued) {
    n.mailIds = mailIds.slice(next, (next += n.mails.length));
    const c = n.row;
    if (c.partner_id) {
      const locales = consigneeLocales(c.language, noticeLocales);
      n.as2Messages += await queueNoticePdfsOverAs2(tx, clock, {
        partnerId: c.partner_id,
        recallId: recall.id,
        distributorOrganisationId: c.distributor,
        noticeId: n.noticeId,
        locales,
        replyUrl: n.url,
        subject: noticeSubject(locales, recall.recall_number),
      });
    }
    events.push({
      type: 'recall.notice_sent',
      aggregateType: 'recall',
      aggregateId: recall.id,
      organisationId: c.distributor,
      data: {
        recallNumber: recall.recall_number,
        noticeId: n.noticeId,
        distributor: { organisationId: c.distributor, ...(c.erp_id ? { erpId: c.erp_id } : {}), name: c.name },
        sentAt,
        method: n.recipients.length ? 'email' : c.partner_id ? 'as2' : 'none',
        as2: !!c.partner_id,
        recipients: n.recipients.length,
        responseDeadline: n.responseDeadline,
        lots: (JSON.parse(c.lots) as { gtin: string; lot: string | null; quantityShipped: number }[]).map((l) => (l.lot === null ? { gtin: l.gtin, quantityShipped: l.quantityShipped } : l)),
      },
    });
  }
  await enqueueEvents(tx, clock, events);
  return issued.map(({ mails: _mails, row: _row, url: _url, ...n }) => n);
}

/**
 * A consignee's notice PDFs, one per language, over AS2 to its EDI partner profile, rendered now
 * (EDI partners are few). What the distributor reached only over AS2 answers through: each PDF
 * carries the reply link. `revision` names a revised notice's PDFs (…-r2-en.pdf). Returns how
 * many messages were queued.
 */
export async function queueNoticePdfsOverAs2(
  tx: Tx,
  clock: Clock,
  n: { partnerId: string; recallId: string; distributorOrganisationId: string; noticeId: string; locales: Locale[]; replyUrl: string; subject: string; revision?: number },
): Promise<number> {
  const data = await getNoticeData(tx, { recallId: n.recallId, distributorOrganisationId: n.distributorOrganisationId });
  for (const locale of n.locales) {
    await queueAs2Message(tx, clock, {
      partnerId: n.partnerId,
      payload: await renderNoticePdf(data, locale, { replyUrl: n.replyUrl }),
      filename: `field-safety-notice-${data.recallNumber}${n.revision ? `-r${n.revision}` : ''}-${locale}.pdf`,
      contentType: 'application/pdf',
      subject: n.subject,
      purpose: 'recall_notice',
      relatesTo: { type: 'recall_notice', id: n.noticeId },
    });
  }
  return n.locales.length;
}
