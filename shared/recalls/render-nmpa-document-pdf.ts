import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import { classificationText } from './classification-text.ts';
import type { NmpaDocumentData } from './nmpa-documents.ts';
import { nmpaNotificationDays } from './nmpa-limits.ts';
import type { NoticeFonts } from './notice-fonts.ts';
import { drawFacts, drawHeading, drawPageFooters, drawTable, pdfMargin as margin, startPdf, type PdfColumn } from './pdf-document.ts';
import { showInstant } from './render-recall-report-pdf.ts';

const brand = '#1f4e79';

/**
 * One of the documents a manufacturer files with the provincial authority under
 * 医疗器械召回管理办法 (令第29号), as PDF bytes in `locale` (Chinese for the authority; English or
 * German for the team), from the recall as issued and its figures as of the report:
 * - report-form, 医疗器械召回事件报告表 (第十六条): enterprise, product name, model, 注册证号, UDI-DI,
 *   lots and quantities sold, distribution, reason, hazard, corrective action, level, decision date;
 * - plan, 召回计划 (第十七条, its five parts): sales and quantity to recall; the measures with
 *   their organisation, scope and time limits; how and to whom the recall is made known; the
 *   expected effect (effectiveness checks); the handling of the recalled devices;
 * - summary, 召回总结评估报告 (第二十二条): recalled against shipped per lot, the replies per
 *   consignee, returned / destroyed / on hand, the effectiveness checks and a conclusion.
 * Equal input gives equal bytes (the document's date is the report's as-of instant).
 */
export async function renderNmpaDocumentPdf(data: NmpaDocumentData, locale: Locale, options: { fonts?: NoticeFonts } = {}): Promise<Uint8Array> {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const { report, timeline } = data;
  const { dashboard: d, figures: f } = report;
  const limits = timeline.limits;
  const recallNumber = d.recall.recallNumber;
  const title = t(`nmpa.doc.${data.document}`);
  const { doc, done, width } = await startPdf({ locale, title: `${title} — ${recallNumber}`, author: data.manufacturer, subject: t('nmpa.pdf.subtitle', { recallNumber }), date: new Date(d.asOf), pageFooters: true, fonts: options.fonts });

  const none = t('nmpa.pdf.notGiven');
  const heading = (text: string) => drawHeading(doc, text, 60);
  const paragraph = (text: string) => doc.font('regular').fontSize(10).fillColor('#000000').text(text, margin, doc.y, { width, paragraphGap: 3 });
  const facts = (pairs: [string, string][], labelWidth = 160) => drawFacts(doc, pairs, labelWidth);
  const table = (columns: PdfColumn[], rows: string[][]) => (rows.length ? drawTable(doc, columns, rows, { fontSize: 8, cellPad: 3 }) : paragraph(t('nmpa.pdf.none')));
  const lotOf = (lot: string | null) => lot ?? t('nmpa.pdf.noLot');
  const level = classificationText(locale, { jurisdiction: 'CN-NMPA', type: 'recall', class: String(limits.level) });
  const actions = [...data.actions.map((a) => t(`recalls.action.${a}`)), ...data.instructionText];
  const days = nmpaNotificationDays[limits.level];

  // Title block.
  doc.rect(margin, margin, width, 4).fill(brand);
  doc.fillColor(brand).font('bold').fontSize(18).text(title, margin, margin + 14, { width });
  doc.fillColor('#000000').font('regular').fontSize(10).text(t('nmpa.pdf.subtitle', { recallNumber }), { width });
  doc.moveDown(0.6);
  facts([
    [t('nmpa.pdf.enterprise'), data.manufacturer || none],
    [t('nmpa.pdf.recallNumber'), recallNumber],
    [t('nmpa.pdf.level'), level],
    [t('nmpa.pdf.decidedAt'), showInstant(limits.decidedAt)],
    [t('nmpa.pdf.reportDate'), showInstant(d.asOf)],
  ]);

  const productColumns: PdfColumn[] = [
    { label: t('nmpa.pdf.col.product'), width: 110 },
    { label: t('nmpa.pdf.col.model'), width: 55 },
    { label: t('nmpa.pdf.col.registration'), width: 110 },
    { label: t('nmpa.pdf.col.gtin'), width: 85 },
    { label: t('nmpa.pdf.col.lot'), width: 75 },
    { label: t('nmpa.pdf.col.shipped'), width: width - 435, align: 'right' },
  ];
  const productRows = data.products.flatMap((p) =>
    (p.lots.length ? p.lots : [{ lot: null, shipped: 0 }]).map((l) => [p.name ?? none, p.model ?? none, p.registrationNumber ?? none, p.gtin, lotOf(l.lot), String(l.shipped)]),
  );
  const notifiedRows = limits.consignees.map((c) => [c.name, showInstant(c.notifiedAt), t(`nmpa.timing.${c.timing}`)]);
  const notifiedColumns: PdfColumn[] = [
    { label: t('nmpa.pdf.col.consignee'), width: 235 },
    { label: t('nmpa.pdf.col.notifiedAt'), width: 130 },
    { label: t('nmpa.pdf.col.timing'), width: width - 365 },
  ];
  const distribution = t('nmpa.pdf.distributionSummary', { units: f.accounted.shipped, lots: d.lots.length, consignees: d.counts.consignees });

  if (data.document === 'report-form') {
    heading(t('nmpa.pdf.products'));
    table(productColumns, productRows);
    heading(t('nmpa.pdf.distribution'));
    paragraph(distribution);
    table(notifiedColumns, notifiedRows);
    heading(t('nmpa.pdf.reason'));
    paragraph(data.reason || none);
    heading(t('nmpa.pdf.hazard'));
    paragraph(data.hazard ?? none);
    heading(t('nmpa.pdf.actions'));
    paragraph(actions.join('\n') || none);
    doc.moveDown(2);
    paragraph(t('nmpa.pdf.signature'));
  } else if (data.document === 'plan') {
    heading(t('nmpa.plan.sales'));
    paragraph(distribution);
    table(productColumns, productRows);
    heading(t('nmpa.plan.measures'));
    paragraph(t('nmpa.plan.scope', { consignees: d.counts.consignees }));
    paragraph(t('nmpa.plan.organisation', { manufacturer: data.manufacturer || none }));
    paragraph(t('nmpa.plan.notifyLimit', { days, time: showInstant(limits.notifyBy) }));
    if (d.recall.responseDeadline) paragraph(t('nmpa.plan.replyBy', { time: showInstant(d.recall.responseDeadline) }));
    heading(t('nmpa.plan.publication'));
    paragraph(t('nmpa.plan.method'));
    paragraph(t('nmpa.plan.consignees'));
    table(notifiedColumns, notifiedRows);
    heading(t('nmpa.plan.expected'));
    paragraph(t('nmpa.plan.effectiveness', { level: f.effectiveness.level, sample: f.effectiveness.sampleSize, consignees: d.counts.consignees }));
    heading(t('nmpa.plan.after'));
    paragraph(actions.join('\n') || none);
  } else {
    const a = f.accounted;
    heading(t('nmpa.summary.recalled'));
    paragraph(t('nmpa.summary.recalledText', { accounted: a.accountedFor, shipped: a.shipped, returned: a.returned, destroyed: a.destroyed, onHand: a.onHand, quarantined: f.responding.quarantined, distributed: a.distributed }));
    paragraph(t('nmpa.summary.perLot'));
    const name = new Map(data.products.map((p) => [p.gtin, p.name ?? p.gtin]));
    table(
      [
        { label: t('nmpa.pdf.col.product'), width: 115 },
        { label: t('nmpa.pdf.col.lot'), width: 70 },
        { label: t('nmpa.pdf.col.shipped'), width: 55, align: 'right' },
        { label: t('nmpa.pdf.col.accounted'), width: 55, align: 'right' },
        { label: t('nmpa.pdf.col.returned'), width: 50, align: 'right' },
        { label: t('nmpa.pdf.col.destroyed'), width: 50, align: 'right' },
        { label: t('nmpa.pdf.col.onHand'), width: 50, align: 'right' },
        { label: t('nmpa.pdf.col.distributed'), width: width - 445, align: 'right' },
      ],
      d.lots.map((l) => [name.get(l.gtin) ?? l.gtin, lotOf(l.lot), String(l.shipped), String(l.accountedFor), String(l.returned), String(l.destroyed), String(l.onHand), String(l.distributed)]),
    );
    heading(t('nmpa.summary.replies'));
    paragraph(t('nmpa.summary.notifiedText', { inTime: limits.notifiedInTime, days, late: limits.notifiedLate, open: limits.notNotified }));
    paragraph(t('nmpa.summary.repliesText', { replied: f.responding.count, consignees: d.counts.consignees, notReplied: f.notResponding.count }));
    paragraph(t('nmpa.summary.perConsignee'));
    table(
      [
        { label: t('nmpa.pdf.col.consignee'), width: 175 },
        { label: t('nmpa.pdf.col.notifiedAt'), width: 100 },
        { label: t('nmpa.pdf.col.replied'), width: 100 },
        { label: t('nmpa.pdf.col.shipped'), width: 60, align: 'right' },
        { label: t('nmpa.pdf.col.accounted'), width: width - 435, align: 'right' },
      ],
      d.consignees.map((c) => {
        const rows = report.rows.filter((r) => r.organisationId === c.organisationId);
        const accounted = rows.every((r) => r.accountedFor === null) ? '—' : String(rows.reduce((n, r) => n + (r.accountedFor ?? 0), 0));
        return [c.name, showInstant(rows[0]?.noticeSentAt ?? null), showInstant(c.acknowledgedAt), String(c.unitsShipped), accounted];
      }),
    );
    const e = f.effectiveness;
    heading(t('nmpa.summary.effectiveness'));
    paragraph(t('nmpa.summary.effectivenessText', { level: e.level, drawn: e.drawn, checked: e.checked, effective: e.effective, ineffective: e.ineffective }));
    table(
      [
        { label: t('nmpa.pdf.col.consignee'), width: 175 },
        { label: t('nmpa.pdf.col.outcome'), width: 80 },
        { label: t('nmpa.pdf.col.checkedAt'), width: 100 },
        { label: t('nmpa.pdf.col.note'), width: width - 355 },
      ],
      report.checks.map((c) => [c.name, t(`nmpa.summary.outcome.${c.outcome ?? 'pending'}`), showInstant(c.checkedAt), c.note ?? '']),
    );
    heading(t('nmpa.summary.conclusion'));
    const missing = Math.max(0, a.shipped - a.accountedFor);
    paragraph(
      missing === 0 && f.notResponding.count === 0 && e.ineffective === 0
        ? t('nmpa.summary.conclusionComplete')
        : t('nmpa.summary.conclusionOpen', { missing, notReplied: f.notResponding.count, ineffective: e.ineffective }),
    );
    doc.moveDown(2);
    paragraph(t('nmpa.pdf.signature'));
  }

  drawPageFooters(doc, (page, pages) => t('nmpa.pdf.footer', { recallNumber, document: title, asOf: showInstant(d.asOf), page, pages }));
  doc.end();
  return done;
}
