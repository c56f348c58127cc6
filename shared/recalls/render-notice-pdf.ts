import PDFDocument from 'pdfkit';
import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import type { NoticeData } from './get-notice-data.ts';
import { loadNoticeFonts, type NoticeFonts } from './notice-fonts.ts';

export interface RenderNoticeOptions {
  /** The distributor's link to the acknowledgement page, printed under "Your reply". */
  replyUrl?: string;
  /** Font files to set the notice in; the bundled Noto Sans Hans by default. */
  fonts?: NoticeFonts;
}

const margin = 50;
const footerSpace = 30;
const columns = [
  { key: 'notice.col.gtin', width: 110 },
  { key: 'notice.col.lot', width: 95 },
  { key: 'notice.col.quantity', width: 75 },
  { key: 'notice.col.serials', width: 215 },
] as const satisfies readonly { key: MessageKey; width: number }[];
const cellPad = 4;

/** A date or date-time as given, shown the same in every language: 2026-03-02 or 2026-03-16 17:00 UTC. */
function showDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const iso = d.toISOString();
  return iso.slice(11, 16) === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * One distributor's field safety notice as PDF bytes, in English or Simplified Chinese (21 CFR
 * 7.49, EU FSN, NMPA order 29): title, recall number and date, manufacturer, type and class,
 * reason and hazard, the actions asked, the affected products by GTIN / UDI-DI, a table of the
 * lots and serials with the quantity shipped to THIS distributor, the reply deadline and how to
 * reply, and a footer with page numbers. Equal input gives equal bytes: the document's dates
 * are the recall's issuedAt, and pdfkit derives its file id and font subset tags from them.
 */
export async function renderNoticePdf(data: NoticeData, locale: Locale, options: RenderNoticeOptions = {}): Promise<Uint8Array> {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const fonts = options.fonts ?? loadNoticeFonts();
  const issued = new Date(data.issuedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: margin, left: margin, right: margin, bottom: margin + footerSpace },
    bufferPages: true,
    lang: locale,
    displayTitle: true,
    info: {
      Title: `${t('notice.title')} — ${data.recallNumber}`,
      Author: data.manufacturer,
      Subject: t('notice.subtitle', { recallNumber: data.recallNumber }),
      Creator: 'Lotbridge',
      Producer: 'Lotbridge (pdfkit)',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });

  doc.registerFont('regular', Buffer.from(fonts.regular));
  doc.registerFont('bold', Buffer.from(fonts.bold));
  const width = doc.page.width - 2 * margin;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  const heading = (text: string) => {
    if (doc.y + 40 > bottom()) doc.addPage();
    doc.moveDown(0.8).font('bold').fontSize(12).fillColor('#000000').text(text, margin, doc.y, { width });
    doc.moveDown(0.3).font('regular').fontSize(10);
  };
  const paragraph = (text: string) => doc.font('regular').fontSize(10).text(text, margin, doc.y, { width, paragraphGap: 3 });

  // Title block.
  doc.rect(margin, margin, width, 4).fill('#b00020');
  doc.fillColor('#b00020').font('bold').fontSize(20).text(t('notice.title'), margin, margin + 14, { width });
  doc.fillColor('#000000').font('regular').fontSize(11).text(t('notice.subtitle', { recallNumber: data.recallNumber }), { width });
  doc.moveDown(0.8);
  const facts: [string, string][] = [
    [t('notice.recallNumber'), data.recallNumber],
    [t('notice.date'), showDate(data.issuedAt.slice(0, 10))],
    [t('notice.manufacturer'), data.manufacturer],
    [t('notice.distributor'), data.distributor.name],
  ];
  if (data.classification) facts.push([t('notice.classification'), data.classification]);
  for (const [label, value] of facts) {
    const y = doc.y;
    doc.font('bold').fontSize(10).text(label, margin, y, { width: 130 });
    const labelBottom = doc.y;
    doc.font('regular').text(value, margin + 140, y, { width: width - 140 });
    doc.y = Math.max(doc.y, labelBottom) + 2;
  }

  heading(t('notice.reasonHeading'));
  paragraph(data.reason);
  if (data.hazard) {
    heading(t('notice.hazardHeading'));
    paragraph(data.hazard);
  }

  heading(t('notice.instructionsHeading'));
  const steps = [...data.actions.map((a) => t(`notice.action.${a}`)), ...data.instructionText, t('notice.action.forward')];
  steps.forEach((s, i) => paragraph(`${i + 1}. ${s}`));

  heading(t('notice.productsHeading'));
  for (const p of data.products) paragraph(`• ${t('notice.product', { gtin: p.gtin })}`);

  heading(t('notice.lotsHeading'));
  const drawRow = (cells: string[], font: 'regular' | 'bold', fill?: string) => {
    doc.font(font).fontSize(9);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i]!.width - 2 * cellPad }))) + 2 * cellPad;
    if (doc.y + h > bottom()) {
      doc.addPage();
      if (font === 'regular') drawRow(columns.map((c) => t(c.key)), 'bold', '#eeeeee');
      doc.font(font).fontSize(9);
    }
    const y = doc.y;
    let x = margin;
    for (const [i, c] of cells.entries()) {
      const w = columns[i]!.width;
      if (fill) doc.rect(x, y, w, h).fill(fill);
      doc.rect(x, y, w, h).lineWidth(0.5).stroke('#888888');
      doc.fillColor('#000000').text(c, x + cellPad, y + cellPad, { width: w - 2 * cellPad, align: i === 2 ? 'right' : 'left' });
      x += w;
    }
    doc.x = margin;
    doc.y = y + h;
  };
  drawRow(columns.map((c) => t(c.key)), 'bold', '#eeeeee');
  for (const p of data.products) {
    for (const l of p.lots) drawRow([p.gtin, l.lot ?? t('notice.noLot'), String(l.quantity), l.serials.join(', ')], 'regular');
  }
  doc.moveDown(0.4);
  doc.font('bold').fontSize(10).text(t('notice.total', { units: data.units }), margin, doc.y, { width });

  heading(t('notice.replyHeading'));
  doc.font('bold').fontSize(11).text(data.responseDeadline ? t('notice.deadline', { deadline: showDate(data.responseDeadline) }) : t('notice.deadlineNone'), margin, doc.y, { width });
  doc.moveDown(0.3);
  paragraph(t('notice.replyHow'));
  if (options.replyUrl) paragraph(t('notice.replyUrl', { url: options.replyUrl }));

  // Footer on every page, drawn once the page count is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(8)
      .fillColor('#555555')
      .text(t('notice.footer', { recallNumber: data.recallNumber, distributor: data.distributor.name, page: i + 1, pages: range.count }), margin, doc.page.height - margin, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = saved;
  }
  doc.end();
  return done;
}
