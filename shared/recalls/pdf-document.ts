import PDFDocument from 'pdfkit';
import type { Locale } from '../i18n/index.ts';
import { loadNoticeFonts, type NoticeFonts } from './notice-fonts.ts';

/** The page margin of every recall PDF, in points. */
export const pdfMargin = 50;
/** Room kept free under the text for the footer line. */
const footerSpace = 30;

export interface StartPdfOptions {
  locale: Locale;
  title: string;
  author?: string;
  subject?: string;
  /**
   * The document's creation and modification date. pdfkit derives the file id and the font
   * subset tags from it, so a date taken from the input (never now) makes equal input give
   * equal bytes.
   */
  date: Date;
  /** Keep room under the text and hold every page until the end, for drawPageFooters. */
  pageFooters?: boolean;
  /** Font files to set the document in; Noto Sans Hans from the installed font source by default. */
  fonts?: NoticeFonts;
}

export interface StartedPdf {
  doc: PDFKit.PDFDocument;
  /** The document's bytes, once the caller has called doc.end(). */
  done: Promise<Uint8Array>;
  /** Width of the text between the side margins. */
  width: number;
}

/**
 * An A4 recall document in English or Chinese with the fonts 'regular' and 'bold' registered
 * (one family covers both languages; 'regular' is current) and its bytes collected as it is
 * written. No standard PDF font is loaded: pdfkit reads their metrics from disk on Node and
 * has none registered in its browser build (which Workers take).
 */
export async function startPdf(options: StartPdfOptions): Promise<StartedPdf> {
  const fonts = options.fonts ?? (await loadNoticeFonts());
  const doc = new PDFDocument({
    // pdfkit's default is Helvetica; null sets no font until 'regular' below.
    font: null as unknown as string,
    size: 'A4',
    margins: { top: pdfMargin, left: pdfMargin, right: pdfMargin, bottom: options.pageFooters ? pdfMargin + footerSpace : pdfMargin },
    bufferPages: options.pageFooters ?? false,
    lang: options.locale,
    displayTitle: true,
    info: {
      Title: options.title,
      ...(options.author !== undefined && { Author: options.author }),
      ...(options.subject !== undefined && { Subject: options.subject }),
      Creator: 'Lotbridge',
      Producer: 'Lotbridge (pdfkit)',
      CreationDate: options.date,
      ModDate: options.date,
    },
  });
  // Uint8Arrays, not Buffers: pdfkit's browser build (Workers) writes plain Uint8Arrays.
  const chunks: Uint8Array[] = [];
  doc.on('data', (c: Uint8Array) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer().then((b) => new Uint8Array(b))));
    doc.on('error', reject);
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.font('regular');
  return { doc, done, width: doc.page.width - 2 * pdfMargin };
}

/** Where text must end on the current page (above the footer's room, if any). */
export function pageBottom(doc: PDFKit.PDFDocument): number {
  return doc.page.height - doc.page.margins.bottom;
}

/**
 * Label and value rows (a label in bold, its value beside it at `labelWidth`), each starting a
 * new page when it would not fit above the footer.
 */
export function drawFacts(doc: PDFKit.PDFDocument, pairs: readonly [string, string][], labelWidth: number): void {
  const width = doc.page.width - 2 * pdfMargin;
  for (const [label, value] of pairs) {
    if (doc.y + 14 > pageBottom(doc)) doc.addPage();
    const y = doc.y;
    doc.font('bold').fontSize(10).fillColor('#000000').text(label, pdfMargin, y, { width: labelWidth - 10 });
    const labelBottom = doc.y;
    doc.font('regular').text(value, pdfMargin + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(doc.y, labelBottom) + 2;
  }
}

/** A section heading, on a new page unless `room` points are left for it and what follows. */
export function drawHeading(doc: PDFKit.PDFDocument, text: string, room: number): void {
  if (doc.y + room > pageBottom(doc)) doc.addPage();
  doc
    .moveDown(0.8)
    .font('bold')
    .fontSize(12)
    .fillColor('#000000')
    .text(text, pdfMargin, doc.y, { width: doc.page.width - 2 * pdfMargin });
  doc.moveDown(0.3).font('regular').fontSize(10);
}

export interface PdfColumn {
  label: string;
  width: number;
  align?: 'left' | 'right';
}

/**
 * A ruled table with a grey header row, repeated at the top of each page the rows run onto;
 * every row is as tall as its tallest cell.
 */
export function drawTable(doc: PDFKit.PDFDocument, columns: readonly PdfColumn[], rows: string[][], style: { fontSize: number; cellPad: number }): void {
  const { fontSize, cellPad } = style;
  const drawRow = (cells: string[], header: boolean) => {
    doc.font(header ? 'bold' : 'regular').fontSize(fontSize);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i]!.width - 2 * cellPad }))) + 2 * cellPad;
    if (doc.y + h > pageBottom(doc)) {
      doc.addPage();
      if (!header) drawRow(columns.map((c) => c.label), true);
      doc.font(header ? 'bold' : 'regular').fontSize(fontSize);
    }
    const y = doc.y;
    let x = pdfMargin;
    for (const [i, c] of cells.entries()) {
      const w = columns[i]!.width;
      if (header) doc.rect(x, y, w, h).fill('#eeeeee');
      doc.rect(x, y, w, h).lineWidth(0.5).stroke('#888888');
      doc.fillColor('#000000').text(c, x + cellPad, y + cellPad, { width: w - 2 * cellPad, align: columns[i]!.align ?? 'left' });
      x += w;
    }
    doc.x = pdfMargin;
    doc.y = y + h;
  };
  drawRow(columns.map((c) => c.label), true);
  for (const r of rows) drawRow(r, false);
}

/**
 * A centred footer line on every page, drawn once the page count is known (the document must
 * have been started with pageFooters).
 */
export function drawPageFooters(doc: PDFKit.PDFDocument, footer: (page: number, pages: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing into the bottom margin would otherwise start a new page.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(8)
      .fillColor('#555555')
      .text(footer(i + 1, range.count), pdfMargin, doc.page.height - pdfMargin, {
        width: doc.page.width - 2 * pdfMargin,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = saved;
  }
}
