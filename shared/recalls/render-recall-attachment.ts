import type { Tx } from '../db/index.ts';
import type { MailAttachmentRef } from '../mail/queue-mail.ts';
import { isLocale, type Locale } from '../i18n/index.ts';
import { getNoticeData } from './get-notice-data.ts';
import { renderNoticePdf } from './render-notice-pdf.ts';
import { getAcknowledgement } from './get-acknowledgement.ts';
import { renderReceiptPdf } from './render-receipt-pdf.ts';

/** Renders the recall PDFs that mails carry (the mail sender calls this when it sends). */
export async function renderRecallAttachment(db: Tx, a: MailAttachmentRef): Promise<{ filename: string; content: Buffer; contentType: string }> {
  const locale: Locale = isLocale(a.ref.locale) ? a.ref.locale : 'en';
  if (a.kind === 'recall-notice-pdf') {
    const data = await getNoticeData(db, { recallId: a.ref.recallId!, distributorOrganisationId: a.ref.distributorOrganisationId! });
    return { filename: `field-safety-notice-${data.recallNumber}-${locale}.pdf`, content: Buffer.from(await renderNoticePdf(data, locale)), contentType: 'application/pdf' };
  }
  if (a.kind === 'recall-receipt-pdf') {
    const ack = await getAcknowledgement(db, null, a.ref.acknowledgementId!);
    return { filename: `recall-${ack.recallNumber}-reply-v${ack.version}.pdf`, content: Buffer.from(await renderReceiptPdf(ack, locale)), contentType: 'application/pdf' };
  }
  throw new Error(`no renderer for attachments of kind ${a.kind}`);
}
