import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import type { ResponsesDay } from './get-recall-dashboard.ts';
import type { NoticeFonts } from './notice-fonts.ts';
import { drawHeading, drawPageFooters, drawTable, pageBottom, pdfMargin as margin, startPdf, type PdfColumn, drawFacts } from './pdf-document.ts';
import type { RecallStatusReport } from './recall-status-report.ts';
import { notificationMethodsText } from './notification-methods.ts';

const brand = '#1f4e79';
const acknowledgedColour = '#2e7d32';
const openedColour = '#1f6fb5';

/** An instant as a UTC date and time, the same in every language: 2026-03-16 17:00 UTC. */
export function showInstant(value: string | null): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const showDay = (value: string | null) => (value ? value.slice(0, 10) : '—');

/**
 * The recall status report (21 CFR 7.53(b)) as PDF bytes, in English or Simplified Chinese:
 * the recall's facts, the six figures, a chart of responses over time (vector graphics),
 * the per-lot table, the consignees, the non-responders and the effectiveness checks, with a
 * footer and page numbers. Equal reports give equal bytes: the document's dates are the
 * report's as-of instant, from which pdfkit derives its file id and font subset tags.
 */
export async function renderRecallReportPdf(report: RecallStatusReport, locale: Locale, options: { fonts?: NoticeFonts } = {}): Promise<Uint8Array> {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const { dashboard: d, figures: f } = report;
  const { doc, done, width } = await startPdf({
    locale,
    title: t('recallReport.title', { recallNumber: d.recall.recallNumber }),
    subject: t('recallReport.subtitle'),
    date: new Date(d.asOf),
    pageFooters: true,
    fonts: options.fonts,
  });
  const bottom = () => pageBottom(doc);

  const heading = (text: string, room = 60) => drawHeading(doc, text, room);
  const paragraph = (text: string) => doc.font('regular').fontSize(10).fillColor('#000000').text(text, margin, doc.y, { width, paragraphGap: 3 });
  const facts = (pairs: [string, string][], labelWidth = 150) => drawFacts(doc, pairs, labelWidth);

  const table = (columns: PdfColumn[], rows: string[][], empty: string) => {
    if (rows.length === 0) paragraph(empty);
    else drawTable(doc, columns, rows, { fontSize: 8, cellPad: 3 });
  };

  // Title block.
  doc.rect(margin, margin, width, 4).fill(brand);
  doc.fillColor(brand).font('bold').fontSize(18).text(t('recallReport.title', { recallNumber: d.recall.recallNumber }), margin, margin + 14, { width });
  doc.fillColor('#000000').font('regular').fontSize(10).text(t('recallReport.subtitle'), { width });
  doc.moveDown(0.6);
  facts([
    [t('recallReport.recallNumber'), d.recall.recallNumber],
    [t('recallReport.asOf'), showInstant(d.asOf)],
    [t('recallReport.state'), t(`recallDashboard.state.${d.recall.state === 'received' || d.recall.state === 'open' || d.recall.state === 'closed' ? d.recall.state : 'other'}`, { state: d.recall.state })],
    [t('recallReport.severity'), t(`recallDashboard.severity.${d.recall.severity}`)],
    [t('recallReport.issuedAt'), showDay(d.recall.issuedAt)],
    [t('recallReport.deadline'), showInstant(d.recall.responseDeadline)],
  ]);

  // The six figures of 21 CFR 7.53(b).
  heading(t('recallReport.figuresHeading'), 200);
  const figure = (n: number, title: string, lines: string[]) => {
    if (doc.y + 30 > bottom()) doc.addPage();
    doc.font('bold').fontSize(10).fillColor('#000000').text(`(${n}) ${title}`, margin, doc.y, { width });
    for (const l of lines) doc.font('regular').fontSize(10).text(l, margin + 16, doc.y, { width: width - 16 });
    doc.moveDown(0.3);
  };
  figure(1, t('recallReport.figure1'), [
    t('recallReport.figure1.count', { notified: f.notified.count, consignees: f.notified.consignees }),
    t('recallReport.figure1.date', { date: showInstant(f.notified.date) }),
    t('recallReport.figure1.method', { method: notificationMethodsText(locale, f.notified.methods) }),
    t('recallReport.figure1.delivery', { delivered: f.notified.delivered, bounced: f.notified.bounced, kept: f.notified.kept, withoutAddress: f.notified.withoutAddress }),
  ]);
  figure(2, t('recallReport.figure2'), [
    t('recallReport.figure2.count', { responding: f.responding.count, noStock: f.responding.noStock }),
    t('recallReport.figure2.onHand', { onHand: f.responding.onHand, quarantined: f.responding.quarantined }),
    t('recallClosing.report.stock', { ...f.stock }),
  ]);
  figure(3, t('recallReport.figure3'), [
    t('recallReport.figure3.count', { count: f.notResponding.count, overdue: f.notResponding.overdue }),
    ...(f.notResponding.names && f.notResponding.names.length ? [t('recallReport.figure3.names', { names: f.notResponding.names.join(locale === 'zh-CN' ? '、' : ', ') })] : []),
  ]);
  figure(4, t('recallReport.figure4'), [
    t('recallReport.figure4.accounted', { accounted: f.accounted.accountedFor, shipped: f.accounted.shipped }),
    t('recallReport.figure4.detail', { returned: f.accounted.returned, destroyed: f.accounted.destroyed, distributed: f.accounted.distributed, onHand: f.accounted.onHand }),
    t('recallClosing.report.corrected', { corrected: f.accounted.corrected }),
  ]);
  figure(5, t('recallReport.figure5'), [
    t('recallReport.figure5.level', { level: f.effectiveness.level, sampleSize: f.effectiveness.sampleSize, drawn: f.effectiveness.drawn }),
    t('recallReport.figure5.results', { checked: f.effectiveness.checked, effective: f.effectiveness.effective, ineffective: f.effectiveness.ineffective }),
  ]);
  figure(6, t('recallReport.figure6'), [
    f.completion.estimatedOn ? t('recallClosing.report.estimate', { date: f.completion.estimatedOn }) : t('recallClosing.report.noEstimate'),
    t('recallReport.figure6.by', { date: showInstant(f.completion.allRespondedBy) }),
    t('recallReport.figure6.status', { status: t(`recallReport.completion.${f.completion.status}`) }),
  ]);

  // Responses over time: cumulative acknowledged as bars, opened as a line.
  heading(t('recallReport.chartHeading'), 230);
  drawResponsesChart(doc, d.responses, d.counts.consignees, { x: margin, y: doc.y + 4, width, height: 170 }, t);

  heading(t('recallReport.lotsHeading'));
  table(
    [
      { label: t('recallDashboard.col.gtin'), width: 82 },
      { label: t('recallDashboard.col.lot'), width: 50 },
      { label: t('recallDashboard.col.shipped'), width: 46, align: 'right' },
      { label: t('recallDashboard.col.accountedFor'), width: 56, align: 'right' },
      { label: t('recallDashboard.col.onHand'), width: 44, align: 'right' },
      { label: t('recallDashboard.col.quarantined'), width: 58, align: 'right' },
      { label: t('recallDashboard.col.returned'), width: 50, align: 'right' },
      { label: t('recallDashboard.col.destroyed'), width: 52, align: 'right' },
      { label: t('recallDashboard.col.distributed'), width: 57, align: 'right' },
    ],
    d.lots.map((l) => [l.gtin, l.lot ?? t('recallDashboard.noLot'), ...[l.shipped, l.accountedFor, l.onHand, l.quarantined, l.returned, l.destroyed, l.distributed].map(String)]),
    t('recallDashboard.noLots'),
  );

  heading(t('recallReport.consigneesHeading'));
  const yesNo = (v: boolean | null) => (v === null ? '—' : v ? t('recallReport.yes') : t('recallReport.no'));
  const returnedBy = new Map<string, number>();
  for (const r of report.rows) returnedBy.set(r.organisationId, (returnedBy.get(r.organisationId) ?? 0) + (r.returned ?? 0));
  table(
    [
      { label: t('recallDashboard.col.consignee'), width: 115 },
      { label: t('recallDashboard.col.delivery'), width: 58 },
      { label: t('recallDashboard.col.opened'), width: 58 },
      { label: t('recallDashboard.col.acknowledged'), width: 75 },
      { label: t('recallDashboard.col.holdsStock'), width: 42 },
      { label: t('recallDashboard.col.quarantine'), width: 60 },
      { label: t('recallDashboard.col.followUp'), width: 42, align: 'right' },
      { label: t('recallDashboard.col.returned'), width: 45, align: 'right' },
    ],
    d.consignees.map((c) => [
      c.name,
      t(`recallDashboard.delivery.${c.delivery}`),
      showDay(c.firstOpenedAt),
      c.version > 0 ? t('recallDashboard.acknowledgedVersion', { date: showDay(c.acknowledgedAt), version: c.version }) : '—',
      yesNo(c.holdsStock),
      showDay(c.quarantineConfirmedAt),
      String(c.followUpLevel),
      c.version > 0 ? String(returnedBy.get(c.organisationId) ?? 0) : '—',
    ]),
    t('recallDashboard.noConsignees'),
  );

  heading(t('recallReport.nonRespondersHeading'));
  table(
    [
      { label: t('recallDashboard.col.consignee'), width: 150 },
      { label: t('recallDashboard.col.recipients'), width: 165 },
      { label: t('recallDashboard.col.delivery'), width: 70 },
      { label: t('recallDashboard.col.followUp'), width: 50, align: 'right' },
      { label: t('recallDashboard.col.overdue'), width: 60 },
    ],
    d.nonResponders.map((c) => [c.name, c.recipients.join(', ') || '—', t(`recallDashboard.delivery.${c.delivery}`), String(c.followUpLevel), yesNo(c.overdue)]),
    t('recallDashboard.noNonResponders'),
  );

  heading(t('recallReport.checksHeading'));
  paragraph(t('recallReport.figure5.level', { level: f.effectiveness.level, sampleSize: f.effectiveness.sampleSize, drawn: f.effectiveness.drawn }));
  doc.moveDown(0.3);
  table(
    [
      { label: t('recallDashboard.col.consignee'), width: 130 },
      { label: t('effectiveness.col.selectedAt'), width: 70 },
      { label: t('effectiveness.col.outcome'), width: 65 },
      { label: t('effectiveness.col.checkedAt'), width: 70 },
      { label: t('effectiveness.col.note'), width: 160 },
    ],
    report.checks.map((c) => [c.name, showDay(c.selectedAt), t(`effectiveness.outcome.${c.outcome ?? 'pending'}`), showDay(c.checkedAt), c.note ?? '']),
    t('effectiveness.none'),
  );

  drawPageFooters(doc, (page, pages) => t('recallReport.footer', { recallNumber: d.recall.recallNumber, asOf: showInstant(d.asOf), page, pages }));
  doc.end();
  return done;
}

/** Cumulative acknowledgements per day as bars, openings as a line, against the consignee count. */
function drawResponsesChart(
  doc: PDFKit.PDFDocument,
  days: ResponsesDay[],
  consignees: number,
  box: { x: number; y: number; width: number; height: number },
  t: (key: MessageKey, params?: Record<string, string | number>) => string,
): void {
  const axisLeft = box.x + 30;
  const plotTop = box.y + 18;
  const plotBottom = box.y + box.height - 18;
  const plotWidth = box.width - 30;
  const plotHeight = plotBottom - plotTop;
  const top = Math.max(1, consignees);

  // Legend.
  doc.rect(axisLeft, box.y, 10, 8).fill(acknowledgedColour);
  doc.font('regular').fontSize(8).fillColor('#000000').text(t('recallDashboard.chart.acknowledged'), axisLeft + 14, box.y - 1, { lineBreak: false });
  doc.moveTo(axisLeft + 150, box.y + 4).lineTo(axisLeft + 165, box.y + 4).lineWidth(1.5).stroke(openedColour);
  doc.fillColor('#000000').text(t('recallDashboard.chart.opened'), axisLeft + 169, box.y - 1, { lineBreak: false });

  // Axes and the y scale (0, half, all consignees).
  doc.moveTo(axisLeft, plotTop).lineTo(axisLeft, plotBottom).lineTo(axisLeft + plotWidth, plotBottom).lineWidth(0.7).stroke('#444444');
  for (const value of [0, Math.round(top / 2), top]) {
    const y = plotBottom - (value / top) * plotHeight;
    doc.moveTo(axisLeft, y).lineTo(axisLeft + plotWidth, y).lineWidth(0.3).stroke('#cccccc');
    doc.fillColor('#444444').fontSize(7).text(String(value), box.x, y - 4, { width: 26, align: 'right', lineBreak: false });
  }
  if (days.length === 0) {
    doc.fillColor('#555555').fontSize(9).text(t('recallDashboard.chart.empty'), axisLeft + 10, plotTop + plotHeight / 2 - 5, { width: plotWidth - 20, align: 'center', lineBreak: false });
  } else {
    const step = plotWidth / days.length;
    const barWidth = Math.max(1, step * 0.6);
    for (const [i, day] of days.entries()) {
      const h = (day.acknowledged / top) * plotHeight;
      if (h > 0) doc.rect(axisLeft + i * step + (step - barWidth) / 2, plotBottom - h, barWidth, h).fill(acknowledgedColour);
    }
    const point = (i: number) => [axisLeft + i * step + step / 2, plotBottom - (days[i]!.opened / top) * plotHeight] as const;
    const [x0, y0] = point(0);
    doc.moveTo(x0, y0);
    for (let i = 1; i < days.length; i++) doc.lineTo(...point(i));
    doc.lineWidth(1.5).stroke(openedColour);
    for (let i = 0; i < days.length; i++) doc.circle(...point(i), 1.8).fill(openedColour);
    // Day labels: the first and every n-th after it, at most eight, never overlapping.
    const every = Math.max(1, Math.ceil(days.length / 8));
    for (let i = 0; i < days.length; i += every) {
      doc.fillColor('#444444').fontSize(7).text(days[i]!.day.slice(5), axisLeft + i * step + step / 2 - 15, plotBottom + 3, { width: 30, align: 'center', lineBreak: false });
    }
  }
  doc.fillColor('#000000');
  doc.x = box.x;
  doc.y = box.y + box.height + 4;
}
