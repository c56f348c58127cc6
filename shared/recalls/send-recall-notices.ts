import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { actOnRecalls } from './recall-permissions.ts';
import { recordAudit } from '../audit/record-audit.ts';
import type { OutgoingMail } from '../mail/queue-mail.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { AppError } from '../errors.ts';
import type { RecallTranslations } from './notice-languages.ts';
import { issueNotices, noticeRecallSql, type NoticeRecall } from './issue-notices.ts';
import { formatInstantIn } from '../time-zone.ts';

/** How long a notice link opens the notice after its reply deadline. */
export const linkValidityAfterDeadlineMs = 90 * 86_400_000;

export interface SentNotices {
  notices: number;
  mails: number;
  /** Distributors with no recall contact and no portal user: QA must reach them another way. */
  withoutAddress: string[];
}

/**
 * Manufacturer QA releases a reviewed recall: every consignee gets its notice, in one
 * transaction (issue-notices.ts: per distributor a notice record, an e-mail in its
 * organisation's language and then the recall's other notice languages, with a signed link to
 * the notice page, valid until 90 days after the deadline, and the field safety notice PDF per
 * language; an EDI partner also gets the PDFs over AS2 with the reply link; a recall.notice_sent
 * event for the ERP). A distributor nobody can be reached at still gets its notice record, and
 * is named in the answer and on the dashboard.
 */
export async function sendRecallNotices(ctx: UseCaseContext, actor: Actor, input: { recallId: string; portalUrl: string }): Promise<SentNotices> {
  actOnRecalls.require(actor);
  return ctx.db.transaction(async (tx) => {
    const recall = await tx.get<NoticeRecall>(noticeRecallSql, [input.recallId]);
    if (!recall) throw new AppError('not_found', `no recall ${input.recallId}`);
    if (recall.state !== 'received') throw new AppError('conflict', `the notices of recall ${recall.recall_number} were already sent`);
    const consignees = (await tx.all<{ org: string }>('SELECT DISTINCT distributor_organisation_id AS org FROM recall_consignees WHERE recall_id = ?', [recall.id])).map((c) => c.org);
    if (consignees.length === 0) throw new AppError('unprocessable', `recall ${recall.recall_number} has no consignees: add the distributors who hold affected stock first`);

    const now = ctx.clock.now().toISOString();
    const issued = await issueNotices(tx, ctx.clock, { recall, consignees, kind: 'notice', portalUrl: input.portalUrl });
    const withoutAddress = issued.filter((n) => n.channels.length === 0).map((n) => n.distributorOrganisationId);
    const mailCount = issued.reduce((n, i) => n + i.mailIds.length, 0);
    const linkExpiresAt = issued[0]!.linkExpiresAt;
    await tx.run("UPDATE recalls SET state = 'open', notices_sent_at = ?, notices_sent_by = ? WHERE id = ?", [now, actor.userId, recall.id]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'recall.notices_sent',
      entityType: 'recall',
      entityId: recall.id,
      oldValues: { state: 'received' },
      newValues: { state: 'open', notices: issued.length, mails: mailCount, withoutAddress, linkExpiresAt },
      requestId: ctx.requestId,
    });
    return { notices: issued.length, mails: mailCount, withoutAddress };
  });
}

export function noticeSubject(locales: Locale[], recallNumber: string): string {
  return locales.map((l) => translate(l, 'recallMail.subject', { recallNumber })).join(' / ');
}

/**
 * A notice's e-mails, one per recipient: the text in each of the consignee's languages
 * (consigneeLocales) with the reason given in it and the notice link, and the field safety notice PDF per language (rendered when the mail is sent). At the
 * release and when QA sends the notice again (resend-recall-notices.ts).
 */
export function noticeMails(
  locales: Locale[],
  n: {
    recall: { id: string; recall_number: string; reason: string; response_deadline: string };
    translations: RecallTranslations;
    distributor: { id: string; name: string; timeZone?: string };
    noticeId: string;
    recipients: string[];
    url: string;
    /** The notice sent again because these lots were added to it (issue-notices.ts). */
    addedLots?: AddedLot[];
    /** A revised notice (send-revised-notices.ts): its heading before the notice text in each language, its subject and purpose. */
    revised?: { heading: (locale: Locale) => string; subject: string };
  },
): OutgoingMail[] {
  // The deadline as the consignee reads it: in its organisation's zone, the zone named.
  const facts = { recallNumber: n.recall.recall_number, distributor: n.distributor.name, deadline: formatInstantIn(n.recall.response_deadline, n.distributor.timeZone ?? 'UTC'), url: n.url };
  const text = locales
    .map((l) => (n.revised ? n.revised.heading(l) + '\n\n' : '') + (n.addedLots ? lotsAddedText(l, n.addedLots) + '\n\n' : '') + noticeMailText(l, { ...facts, reason: n.translations[l]?.reason ?? n.recall.reason }))
    .join('\n\n----\n\n');
  const attachments = locales.map((locale) => ({ kind: 'recall-notice-pdf', ref: { recallId: n.recall.id, distributorOrganisationId: n.distributor.id, locale } }));
  const subject = n.revised?.subject ?? noticeSubject(locales, n.recall.recall_number);
  const purpose = n.revised ? 'recall.notice_revised' : 'recall.notice';
  return n.recipients.map((to) => ({ to, subject, text, locale: locales[0] ?? 'en', purpose, organisationId: n.distributor.id, entity: { type: 'recall_notice', id: n.noticeId }, attachments }));
}

/** A line added to a consignee's notice after it went out. */
export interface AddedLot {
  gtin: string;
  lot: string | null;
  quantity: number;
}

function lotsAddedText(locale: Locale, lots: AddedLot[]): string {
  const lines = lots.map((l) => translate(locale, 'recallChannels.mail.addedLot', { gtin: l.gtin, lot: l.lot ?? translate(locale, 'recallChannels.mail.noLot'), quantity: l.quantity }));
  return [translate(locale, 'recallChannels.mail.lotsAdded'), ...lines].join('\n');
}

/** `deadline` as the reader sees it (formatInstantIn). */
export function noticeMailText(locale: Locale, v: { recallNumber: string; distributor: string; reason: string; deadline: string; url: string }): string {
  return [
    translate(locale, 'recallMail.greeting', { distributor: v.distributor }),
    translate(locale, 'recallMail.body', { recallNumber: v.recallNumber }),
    translate(locale, 'recallMail.reason', { reason: v.reason }),
    // 21 CFR 7.49(a)(2) and (a)(3), MDCG 2023-3 sections 3 and 4: stop use and distribution; pass the notice on.
    translate(locale, 'noticeContent.stopUse'),
    translate(locale, 'noticeContent.transmission'),
    translate(locale, 'recallMail.deadline', { deadline: v.deadline }),
    translate(locale, 'recallMail.link', { url: v.url }),
    translate(locale, 'recallMail.attachment'),
  ].join('\n\n');
}
