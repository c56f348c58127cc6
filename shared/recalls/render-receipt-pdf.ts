import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import type { AcknowledgementView } from './get-acknowledgement.ts';
import { pdfMargin as margin, startPdf } from './pdf-document.ts';
import { serialDispositions } from './serial-answer.ts';

/**
 * The receipt of one signed reply, in English or Chinese: recall, distributor, version, the
 * reported stock per lot with whom units were passed on to, and the signature manifestation
 * (printed name, meaning, UTC time; 21 CFR 11.50) with the record hash it binds to. Dated by
 * the signature, so equal input gives equal bytes.
 */
export async function renderReceiptPdf(ack: AcknowledgementView, locale: Locale): Promise<Uint8Array> {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const { doc, done, width } = await startPdf({
    locale,
    title: t('recallReceipt.title', { recallNumber: ack.recallNumber, version: ack.version }),
    date: new Date(ack.signature.signedAt),
  });
  const line = (text: string, font: 'regular' | 'bold' = 'regular', size = 10) => doc.font(font).fontSize(size).text(text, margin, doc.y, { width, paragraphGap: 2 });

  line(t('recallReceipt.title', { recallNumber: ack.recallNumber, version: ack.version }), 'bold', 16);
  doc.moveDown(0.5);
  // Re-verified when rendered: a reply changed behind the application's back is not a receipt.
  if (!ack.hashIntact) {
    line(t('recallReceipt.altered'), 'bold', 12);
    doc.moveDown(0.5);
  }
  line(`${t('recallReceipt.distributor')}: ${ack.distributor.name}`);
  line(`${t('recallReceipt.submittedAt')}: ${ack.submittedAt.slice(0, 16).replace('T', ' ')} UTC`);
  line(ack.holdsStock ? t('recallReceipt.holdsStock') : t('recallReceipt.noStock'));
  if (ack.comment) line(`${t('recallReceipt.comment')}: ${ack.comment}`);
  doc.moveDown(0.8);
  for (const l of ack.lots) {
    line(`${l.gtin} · ${t('notice.col.lot')} ${l.lot ?? t('notice.noLot')}`, 'bold', 11);
    line(t('recallReceipt.quantities', { received: l.received, onHand: l.onHand, quarantined: l.quarantined, returned: l.returned, destroyed: l.destroyed, distributed: l.distributed }));
    if (l.corrected !== null) line(t('replyForm.receipt.corrected', { corrected: l.corrected }));
    for (const d of serialDispositions) {
      if (l.serials?.[d].length) line(t('replyForm.receipt.serials', { disposition: t(`replyForm.disposition.${d}`), serials: l.serials[d].join(', ') }));
    }
    for (const s of l.subRecipients) line(`  · ${t('recallReceipt.subRecipient', { name: s.name, quantity: s.quantity, notifiedOn: s.notifiedOn })}${s.contact ? ` (${s.contact})` : ''}`);
    doc.moveDown(0.4);
  }
  // The MDCG 2023-3 answers (absent on replies signed before they were asked).
  if (ack.form) {
    line(t('replyForm.receipt.actionsCompleted', { answer: t(ack.form.actionsCompleted ? 'replyForm.answer.yes' : 'replyForm.answer.no') }));
    line(t('replyForm.receipt.customersInformed', { answer: t(`replyForm.answer.${ack.form.customersInformed}`) }));
    if (ack.form.contactRequested) line(t('replyForm.receipt.contactRequested'), 'bold');
    if (ack.form.question) line(t('replyForm.receipt.question', { question: ack.form.question }));
  }
  doc.moveDown(0.8);
  line(t('recallReceipt.signatureHeading'), 'bold', 12);
  line(`${t('recallReceipt.signedBy')}: ${ack.signature.signerName} <${ack.signature.signerEmail}>`);
  if (ack.form) {
    line(t('replyForm.receipt.function', { function: ack.form.signerFunction }));
    line(t('replyForm.receipt.phone', { phone: ack.form.signerPhone }));
  }
  line(`${t('recallReceipt.meaning')}: ${t('recallReceipt.meaningText')}`);
  line(`${t('recallReceipt.signedAt')}: ${ack.signature.signedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`);
  line(`${t('recallReceipt.recordHash')}: ${ack.recordHash}`, 'regular', 8);
  doc.end();
  return done;
}
