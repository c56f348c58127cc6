import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import { noticeInLanguage, type NoticeData } from './get-notice-data.ts';
import { classificationText } from './classification-text.ts';
import { addFsnFacts, fsnChange } from './fsn-text.ts';
import { authorityStatement, contactLines, srnFacts, productLine } from './notice-content-text.ts';
import type { NoticeFonts } from './notice-fonts.ts';
import { drawHeading, drawPageFooters, drawTable, pdfMargin as margin, startPdf, drawFacts } from './pdf-document.ts';

export interface RenderNoticeOptions {
  /** The distributor's link to the acknowledgement page, printed under "Your reply". */
  replyUrl?: string;
  /** Font files to set the notice in; Noto Sans Hans from the installed font source by default. */
  fonts?: NoticeFonts;
}

const columns = [
  { key: 'notice.col.gtin', width: 110 },
  { key: 'notice.col.lot', width: 95 },
  { key: 'notice.col.quantity', width: 75, align: 'right' },
  { key: 'notice.col.serials', width: 215 },
] as const satisfies readonly { key: MessageKey; width: number; align?: 'right' }[];

/** A date or date-time as given, shown the same in every language: 2026-03-02 or 2026-03-16 17:00 UTC. */
function showDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const iso = d.toISOString();
  return iso.slice(11, 16) === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * One distributor's field safety notice as PDF bytes in `locale`, with the reason, hazard and
 * instructions the recall gives in that language (else its main texts) (21 CFR
 * 7.49, EU FSN, NMPA order 29): title, recall number and date, manufacturer, type and class,
 * reason and hazard, the actions asked, the affected products by GTIN / UDI-DI, a table of the
 * lots and serials with the quantity shipped to THIS distributor, the reply deadline and how to
 * reply, and a footer with page numbers. Equal input gives equal bytes: the document's dates
 * are the recall's issuedAt, and pdfkit derives its file id and font subset tags from them.
 */
export async function renderNoticePdf(given: NoticeData, locale: Locale, options: RenderNoticeOptions = {}): Promise<Uint8Array> {
  const data = noticeInLanguage(given, locale);
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  // NMPA 令第29号 第十四条: a CN-NMPA recall's notice is the 召回通知 (in Chinese; the other languages keep their title).
  const nmpa = data.classifications.some((c) => c.jurisdiction === 'CN-NMPA');
  const title = t(nmpa ? 'nmpa.notice.title' : 'notice.title');
  const subtitle = t(nmpa ? 'nmpa.notice.subtitle' : 'notice.subtitle', { recallNumber: data.recallNumber });
  const { doc, done, width } = await startPdf({
    locale,
    title: `${title} — ${data.recallNumber}`,
    author: data.manufacturer,
    subject: subtitle,
    date: new Date(data.issuedAt),
    pageFooters: true,
    fonts: options.fonts,
  });
  const heading = (text: string) => drawHeading(doc, text, 40);
  const paragraph = (text: string) => doc.font('regular').fontSize(10).text(text, margin, doc.y, { width, paragraphGap: 3 });

  // Title block.
  doc.rect(margin, margin, width, 4).fill('#b00020');
  doc.fillColor('#b00020').font('bold').fontSize(20).text(title, margin, margin + 14, { width });
  doc.fillColor('#000000').font('regular').fontSize(11).text(subtitle, { width });
  doc.moveDown(0.8);
  const facts: [string, string][] = [
    [t('notice.recallNumber'), data.recallNumber],
    ...srnFacts(data, t),
    [t('notice.date'), showDate(data.issuedAt.slice(0, 10))],
    [t('notice.manufacturer'), data.manufacturer],
    [t('notice.distributor'), data.distributor.name],
  ];
  const classification = [...data.classifications.map((c) => classificationText(locale, c)), ...(data.classification ? [data.classification] : [])].join('\n');
  if (classification) facts.push([t('notice.classification'), classification]);
  if (given.fsn) addFsnFacts(facts, locale, given.fsn, data.recallNumber);
  drawFacts(doc, facts, 140);

  const change = given.fsn && fsnChange(locale, given.fsn);
  if (change) {
    heading(change.heading);
    paragraph(change.text);
    doc.font('bold').fontSize(10).text(change.reply, margin, doc.y, { width, paragraphGap: 3 });
  }

  heading(t('notice.reasonHeading'));
  paragraph(data.reason);
  // 21 CFR 7.49(c)(1)(iii), MDCG 2023-3 section 2: the hazard is always stated (a recall recorded before it was required says so).
  heading(t('notice.hazardHeading'));
  paragraph(data.hazard ?? t('noticeContent.hazardNotStated'));

  heading(t('notice.instructionsHeading'));
  // 21 CFR 7.49(a)(2) and (c)(1)(iv), MDCG 2023-3 section 3: stopping use and distribution comes first on every notice.
  const steps = [t('noticeContent.stopUse'), ...data.actions.map((a) => t(`notice.action.${a}`)), ...data.instructionText, t('notice.action.forward')];
  steps.forEach((s, i) => paragraph(`${i + 1}. ${s}`));

  heading(t('notice.productsHeading'));
  for (const p of data.products) paragraph(`• ${productLine(p, t)}`);

  heading(t('notice.lotsHeading'));
  drawTable(
    doc,
    columns.map((c) => ({ ...c, label: t(c.key) })),
    data.products.flatMap((p) => p.lots.map((l) => [p.gtin, l.lot ?? t('notice.noLot'), String(l.quantity), l.serials.join(', ')])),
    { fontSize: 9, cellPad: 4 },
  );
  doc.moveDown(0.4);
  doc.font('bold').fontSize(10).text(t('notice.total', { units: data.units }), margin, doc.y, { width });

  // MDCG 2023-3 section 4, each heading kept with its first lines.
  const section = (text: string) => drawHeading(doc, text, 80);
  section(t('noticeContent.transmissionHeading'));
  paragraph(t('noticeContent.transmission'));
  const informed = authorityStatement(data, t);
  if (informed) {
    section(t('noticeContent.authorityHeading'));
    paragraph(informed);
  }
  section(t('noticeContent.contactHeading'));
  for (const line of contactLines(data, t)) paragraph(line);

  heading(t('notice.replyHeading'));
  doc.font('bold').fontSize(11).text(data.responseDeadline ? t('notice.deadline', { deadline: data.deadlineShown ?? showDate(data.responseDeadline) }) : t('notice.deadlineNone'), margin, doc.y, { width });
  doc.moveDown(0.3);
  paragraph(t('notice.replyHow'));
  if (options.replyUrl) paragraph(t('notice.replyUrl', { url: options.replyUrl }));

  drawPageFooters(doc, (page, pages) => t('notice.footer', { recallNumber: data.recallNumber, distributor: data.distributor.name, page, pages }));
  doc.end();
  return done;
}
