import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { actOnRecalls } from './recall-permissions.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvents, type OutboxEvent } from '../outbox/enqueue-event.ts';
import { queueMails, type OutgoingMail } from '../mail/queue-mail.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { noticeTokenSigner, noticeUrl } from './notice-link.ts';
import { noticeRecipientsSql } from './notice-recipients.ts';
import { queueAs2Message } from '../edi/messages/queue-as2-message.ts';
import { getNoticeData } from './get-notice-data.ts';
import { renderNoticePdf } from './render-notice-pdf.ts';
import { consigneeLocales, readTranslations, type RecallTranslations } from './notice-languages.ts';

/** How long a notice link opens the notice after its reply deadline. */
export const linkValidityAfterDeadlineMs = 90 * 86_400_000;

export interface SentNotices {
  notices: number;
  mails: number;
  /** Distributors with no recall contact and no portal user: QA must reach them another way. */
  withoutAddress: string[];
}

interface ConsigneeRow {
  distributor: string;
  name: string;
  erp_id: string | null;
  language: string;
  recipients: string;
  lots: string;
}

// One row per consignee: its recipients (the recall contact, else its active distributor users)
// and its affected lots, gathered in one statement however many distributors there are.
const consigneesSql = `
SELECT c.distributor_organisation_id AS distributor, o.name, o.erp_id, o.language,
       ${noticeRecipientsSql} AS recipients,
       json_group_array(json_object('gtin', c.gtin, 'lot', c.lot, 'quantityShipped', c.quantity_shipped)) AS lots
FROM recall_consignees AS c JOIN organisations AS o ON o.id = c.distributor_organisation_id
WHERE c.recall_id = ?
GROUP BY c.distributor_organisation_id
ORDER BY o.name, o.id`;

/**
 * Manufacturer QA releases a reviewed recall: every consignee gets its notice, in one
 * transaction. Per distributor a notice record, an e-mail in its organisation's language and then
 * the recall's other notice languages (each with the reason given in it, if any) with a signed link to the notice page (valid until 90 days after the deadline) and the field
 * safety notice PDF per language (rendered when the mail is sent), and a recall.notice_sent
 * event for the ERP; an EDI partner also gets the PDFs over AS2. A distributor nobody can be
 * reached at still gets its notice record, and is named in the answer and on the dashboard.
 */
export async function sendRecallNotices(ctx: UseCaseContext, actor: Actor, input: { recallId: string; portalUrl: string }): Promise<SentNotices> {
  actOnRecalls.require(actor);
  const overAs2 = await noticePdfsForEdiPartners(ctx, input.recallId);
  return ctx.db.transaction(async (tx) => {
    const recall = await tx.get<{ id: string; recall_number: string; state: string; reason: string; translations: string | null; response_deadline: string; notice_locales: string }>(
      "SELECT id, recall_number, state, payload ->> '$.reason' AS reason, payload -> '$.translations' AS translations, response_deadline, notice_locales FROM recalls WHERE id = ?",
      [input.recallId],
    );
    if (!recall) throw new AppError('not_found', `no recall ${input.recallId}`);
    if (recall.state !== 'received') throw new AppError('conflict', `the notices of recall ${recall.recall_number} were already sent`);
    const consignees = await tx.all<ConsigneeRow>(consigneesSql, [recall.id]);
    if (consignees.length === 0) throw new AppError('unprocessable', `recall ${recall.recall_number} has no consignees: add the distributors who hold affected stock first`);

    const now = ctx.clock.now().toISOString();
    const linkExpiresAt = new Date(Date.parse(recall.response_deadline) + linkValidityAfterDeadlineMs).toISOString();
    const noticeLocales = JSON.parse(recall.notice_locales) as string[];
    const translations = readTranslations({ translations: recall.translations ? JSON.parse(recall.translations) : undefined });
    const sign = await noticeTokenSigner(tx);
    // Built in memory, written in one statement per table: a recall can have thousands of consignees.
    const notices: { id: string; distributor: string; recipients: string; subject: string }[] = [];
    const mails: OutgoingMail[] = [];
    const events: OutboxEvent[] = [];
    const withoutAddress: string[] = [];
    for (const c of consignees) {
      const recipients = JSON.parse(c.recipients) as string[];
      const noticeId = newId('rnt');
      const mailLocales = consigneeLocales(c.language, noticeLocales);
      notices.push({ id: noticeId, distributor: c.distributor, recipients: c.recipients, subject: noticeSubject(mailLocales, recall.recall_number) });
      const as2 = overAs2.get(c.distributor);
      if (recipients.length === 0 && !as2) withoutAddress.push(c.distributor);
      const url = noticeUrl(input.portalUrl, sign(noticeId, linkExpiresAt));
      mails.push(...noticeMails(mailLocales, { recall, translations, distributor: { id: c.distributor, name: c.name }, noticeId, recipients, url }));
      events.push({
        type: 'recall.notice_sent',
        aggregateType: 'recall',
        aggregateId: recall.id,
        organisationId: c.distributor,
        data: {
          recallNumber: recall.recall_number,
          noticeId,
          distributor: { organisationId: c.distributor, ...(c.erp_id ? { erpId: c.erp_id } : {}), name: c.name },
          sentAt: now,
          method: recipients.length ? 'email' : as2 ? 'as2' : 'none',
          as2: !!as2,
          recipients: recipients.length,
          responseDeadline: recall.response_deadline,
          lots: (JSON.parse(c.lots) as { gtin: string; lot: string | null; quantityShipped: number }[]).map((l) => (l.lot === null ? { gtin: l.gtin, quantityShipped: l.quantityShipped } : l)),
        },
      });
    }
    await tx.run(
      `INSERT INTO recall_notices (id, recall_id, distributor_organisation_id, recipients, sent_at, link_expires_at)
       SELECT n.value ->> '$.id', :recall, n.value ->> '$.distributor', n.value ->> '$.recipients', :now, :expires FROM json_each(:notices) AS n`,
      { notices: JSON.stringify(notices), recall: recall.id, now, expires: linkExpiresAt },
    );
    await queueMails(tx, ctx.clock, mails);
    for (const notice of notices) {
      const as2 = overAs2.get(notice.distributor);
      for (const pdf of as2?.pdfs ?? []) {
        await queueAs2Message(tx, ctx.clock, {
          partnerId: as2!.partnerId,
          payload: pdf.bytes,
          filename: pdf.filename,
          contentType: 'application/pdf',
          subject: notice.subject,
          purpose: 'recall_notice',
          relatesTo: { type: 'recall_notice', id: notice.id },
        });
      }
    }
    await enqueueEvents(tx, ctx.clock, events);
    const mailCount = mails.length;
    await tx.run("UPDATE recalls SET state = 'open', notices_sent_at = ?, notices_sent_by = ? WHERE id = ?", [now, actor.userId, recall.id]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'recall.notices_sent',
      entityType: 'recall',
      entityId: recall.id,
      oldValues: { state: 'received' },
      newValues: { state: 'open', notices: consignees.length, mails: mailCount, withoutAddress, linkExpiresAt },
      requestId: ctx.requestId,
    });
    return { notices: consignees.length, mails: mailCount, withoutAddress };
  });
}

/**
 * The field safety notice PDFs of the consignees that are EDI partners with an AS2 URL, one per
 * notice language, rendered before the release's transaction (rendering takes ~100 ms each; EDI
 * partners are few) and sent over AS2 beside the mail.
 */
async function noticePdfsForEdiPartners(ctx: UseCaseContext, recallId: string): Promise<Map<string, { partnerId: string; pdfs: { filename: string; bytes: Uint8Array }[] }>> {
  const rows = await ctx.db.all<{ distributor: string; partner_id: string; notice_locales: string; language: string }>(
    `SELECT DISTINCT c.distributor_organisation_id AS distributor, p.id AS partner_id, r.notice_locales, o.language
       FROM recall_consignees AS c
       JOIN recalls AS r ON r.id = c.recall_id
       JOIN organisations AS o ON o.id = c.distributor_organisation_id
       JOIN edi_partners AS p ON p.organisation_id = c.distributor_organisation_id AND p.state = 'active' AND p.as2_url IS NOT NULL
      WHERE c.recall_id = ?`,
    [recallId],
  );
  const out = new Map<string, { partnerId: string; pdfs: { filename: string; bytes: Uint8Array }[] }>();
  for (const r of rows) {
    if (out.has(r.distributor)) continue;
    const data = await getNoticeData(ctx.db, { recallId, distributorOrganisationId: r.distributor });
    const pdfs = [];
    for (const locale of consigneeLocales(r.language, JSON.parse(r.notice_locales) as string[])) {
      pdfs.push({ filename: `field-safety-notice-${data.recallNumber}-${locale}.pdf`, bytes: await renderNoticePdf(data, locale) });
    }
    out.set(r.distributor, { partnerId: r.partner_id, pdfs });
  }
  return out;
}

function noticeSubject(locales: Locale[], recallNumber: string): string {
  return locales.map((l) => translate(l, 'recallMail.subject', { recallNumber })).join(' / ');
}

/**
 * A notice's e-mails, one per recipient: the text in each of the consignee's languages
 * (consigneeLocales) with the reason given in it and the notice link, and the field safety notice PDF per language (rendered when the mail is sent). At the
 * release and when QA sends the notice again (resend-recall-notices.ts).
 */
export function noticeMails(
  locales: Locale[],
  n: { recall: { id: string; recall_number: string; reason: string; response_deadline: string }; translations: RecallTranslations; distributor: { id: string; name: string }; noticeId: string; recipients: string[]; url: string },
): OutgoingMail[] {
  const facts = { recallNumber: n.recall.recall_number, distributor: n.distributor.name, deadline: n.recall.response_deadline, url: n.url };
  const text = locales.map((l) => noticeMailText(l, { ...facts, reason: n.translations[l]?.reason ?? n.recall.reason })).join('\n\n----\n\n');
  const attachments = locales.map((locale) => ({ kind: 'recall-notice-pdf', ref: { recallId: n.recall.id, distributorOrganisationId: n.distributor.id, locale } }));
  const subject = noticeSubject(locales, n.recall.recall_number);
  return n.recipients.map((to) => ({ to, subject, text, locale: locales[0] ?? 'en', purpose: 'recall.notice', organisationId: n.distributor.id, entity: { type: 'recall_notice', id: n.noticeId }, attachments }));
}

export function noticeMailText(locale: Locale, v: { recallNumber: string; distributor: string; reason: string; deadline: string; url: string }): string {
  return [
    translate(locale, 'recallMail.greeting', { distributor: v.distributor }),
    translate(locale, 'recallMail.body', { recallNumber: v.recallNumber }),
    translate(locale, 'recallMail.reason', { reason: v.reason }),
    // 21 CFR 7.49(a)(2) and (a)(3), MDCG 2023-3 sections 3 and 4: stop use and distribution; pass the notice on.
    translate(locale, 'noticeContent.stopUse'),
    translate(locale, 'noticeContent.transmission'),
    translate(locale, 'recallMail.deadline', { deadline: `${v.deadline.slice(0, 10)} ${v.deadline.slice(11, 16)} UTC` }),
    translate(locale, 'recallMail.link', { url: v.url }),
    translate(locale, 'recallMail.attachment'),
  ].join('\n\n');
}
