import { PDFDocument } from 'pdf-lib';
import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import type { NoticeFonts } from './notice-fonts.ts';
import { drawHeading, drawPageFooters, drawTable, pdfMargin as margin, startPdf, drawFacts } from './pdf-document.ts';
import { renderRecallReportPdf, showInstant } from './render-recall-report-pdf.ts';
import type { TerminationPackage } from './get-termination-package.ts';

const brand = '#1f4e79';

/**
 * The recall termination request package (21 CFR 7.55) as PDF bytes in the reader's language:
 * the closing (QA's signature, the reason, an override reason with what was open), the
 * disposition of the recalled units per lot, the effectiveness check records, followed by the
 * final status report (render-recall-report-pdf.ts) as its own pages. Equal packages give equal
 * bytes: every date in the document is the report's as-of instant.
 */
export async function renderTerminationPackagePdf(pkg: TerminationPackage, locale: Locale, options: { fonts?: NoticeFonts } = {}): Promise<Uint8Array> {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const { report, closing } = pkg;
  const d = report.dashboard;
  const f = report.figures;
  const asOf = new Date(d.asOf);
  const title = t('recallClosing.package.title', { recallNumber: d.recall.recallNumber });
  const { doc, done, width } = await startPdf({ locale, title, subject: t('recallClosing.package.subtitle'), date: asOf, pageFooters: true, fonts: options.fonts });

  const paragraph = (text: string) => doc.font('regular').fontSize(10).fillColor('#000000').text(text, margin, doc.y, { width, paragraphGap: 3 });
  const facts = (pairs: [string, string][], labelWidth = 170) => drawFacts(doc, pairs, labelWidth);

  doc.rect(margin, margin, width, 4).fill(brand);
  doc.fillColor(brand).font('bold').fontSize(18).text(title, margin, margin + 14, { width });
  doc.fillColor('#000000').font('regular').fontSize(10).text(t('recallClosing.package.subtitle'), { width });
  doc.moveDown(0.6);
  facts([
    [t('recallReport.recallNumber'), d.recall.recallNumber],
    [t('recallReport.asOf'), showInstant(d.asOf)],
    [t('recallReport.issuedAt'), d.recall.issuedAt.slice(0, 10)],
    [t('recallClosing.estimate.label'), f.completion.estimatedOn ?? t('recallClosing.estimate.none')],
  ]);

  drawHeading(doc, t('recallClosing.package.closingHeading'), 120);
  if (closing) {
    facts([
      [t('recallClosing.package.closedBy'), t('recallClosing.package.signed', { name: closing.signerName, at: showInstant(closing.closedAt), method: t(`recallClosing.signatureMethod.${closing.method}`) })],
      [t('recalls.close.reason'), closing.reason],
      ...(closing.overrideReason
        ? ([
            [t('recallClosing.override.label'), closing.overrideReason],
            [t('recallClosing.package.openAtClose'), t('recallClosing.package.openCounts', { consignees: closing.open?.consignees ?? 0, unrecorded: closing.open?.checksUnrecorded ?? 0, undrawn: closing.open?.checksUndrawn ?? 0 })],
          ] as [string, string][])
        : []),
    ]);
  } else {
    paragraph(t('recallClosing.package.notClosed'));
  }

  drawHeading(doc, t('recallClosing.package.dispositionHeading'), 120);
  const lots = pkg.disposition;
  if (lots.length === 0) paragraph(t('recallDashboard.noLots'));
  else
    drawTable(
      doc,
      [
        { label: t('recallDashboard.col.gtin'), width: 70 },
        { label: t('recallDashboard.col.lot'), width: 40 },
        { label: t('recallDashboard.col.shipped'), width: 40, align: 'right' },
        { label: t('recallDashboard.col.accountedFor'), width: 48, align: 'right' },
        { label: t('recallDashboard.col.returned'), width: 46, align: 'right' },
        { label: t('recallDashboard.col.destroyed'), width: 50, align: 'right' },
        { label: t('recallClosing.col.corrected'), width: 50, align: 'right' },
        { label: t('recallClosing.col.onHandQuarantined'), width: 58, align: 'right' },
        { label: t('recallDashboard.col.distributed'), width: 52, align: 'right' },
        { label: t('recallClosing.col.notAccounted'), width: 41, align: 'right' },
      ],
      lots.map((l) => [
        l.gtin,
        l.lot ?? t('recallDashboard.noLot'),
        String(l.shipped),
        String(l.accountedFor),
        String(l.returned),
        String(l.destroyed),
        String(l.corrected),
        `${l.onHand} / ${l.quarantined}`,
        String(l.distributed),
        String(l.notAccounted),
      ]),
      { fontSize: 8, cellPad: 3 },
    );
  doc.moveDown(0.5);
  const total = (pick: (l: (typeof lots)[number]) => number) => lots.reduce((s, l) => s + pick(l), 0);
  paragraph(
    t('recallClosing.package.disposedOf', {
      returned: total((l) => l.returned),
      destroyed: total((l) => l.destroyed),
      corrected: total((l) => l.corrected),
      distributed: total((l) => l.distributed),
      onHand: total((l) => l.onHand),
      notAccounted: total((l) => l.notAccounted),
    }),
  );

  drawHeading(doc, t('recallClosing.package.checksHeading'), 120);
  paragraph(t('recallReport.figure5.level', { level: f.effectiveness.level, sampleSize: f.effectiveness.sampleSize, drawn: f.effectiveness.drawn }));
  paragraph(t('recallReport.figure5.results', { checked: f.effectiveness.checked, effective: f.effectiveness.effective, ineffective: f.effectiveness.ineffective }));
  doc.moveDown(0.3);
  if (pkg.records.length === 0) paragraph(t('recallClosing.records.none'));
  else
    drawTable(
      doc,
      [
        { label: t('recallDashboard.col.consignee'), width: 110 },
        { label: t('effectiveness.col.checkedAt'), width: 70 },
        { label: t('recallClosing.col.method'), width: 55 },
        { label: t('effectiveness.col.outcome'), width: 60 },
        { label: t('recallClosing.col.signedBy'), width: 75 },
        { label: t('effectiveness.col.note'), width: 125 },
      ],
      pkg.records.map((r) => [r.name, showInstant(r.checkedAt), t(`recallClosing.method.${r.method}`), t(`effectiveness.outcome.${r.outcome}`), r.signerName, r.note ?? '']),
      { fontSize: 8, cellPad: 3 },
    );

  doc.moveDown(0.8);
  paragraph(t('recallClosing.package.reportFollows'));
  drawPageFooters(doc, (page, pages) => t('recallClosing.package.footer', { recallNumber: d.recall.recallNumber, asOf: showInstant(d.asOf), page, pages }));
  doc.end();

  // The final status report follows as its own pages, exactly as it is downloaded on its own.
  const [cover, statusReport] = await Promise.all([done, renderRecallReportPdf(report, locale, options)]);
  const merged = await PDFDocument.load(cover, { updateMetadata: false });
  const appended = await PDFDocument.load(statusReport, { updateMetadata: false });
  for (const page of await merged.copyPages(appended, appended.getPageIndices())) merged.addPage(page);
  merged.setModificationDate(asOf);
  return merged.save({ useObjectStreams: false });
}
