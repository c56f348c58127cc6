import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import { en } from '../i18n/en.ts';
import { drawFacts, drawHeading, drawPageFooters, drawTable, pdfMargin, startPdf } from '../recalls/pdf-document.ts';
import type { NoticeFonts } from '../recalls/notice-fonts.ts';
import type { ValidationReport } from './report.ts';
import { wordFinding, wordValue } from './word-validation.ts';

// The CLI words its findings the way the PDF does.
export { wordFinding };

/**
 * A fact's name worded ("masterKey.k1" → "Master key check value (SHA-256) k1", "checked.lot" →
 * "Records recomputed: lot"); a name the catalogue lacks as it is.
 */
function factLabel(locale: Locale, name: string): string {
  const dot = name.indexOf('.');
  const [base, detail] = dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
  const key = `validation.fact.${base}`;
  if (!(key in en)) return name;
  return detail ? `${translate(locale, key as MessageKey)} ${wordValue(locale, detail)}` : translate(locale, key as MessageKey);
}

/** An environment entry's name worded (`validationEnv.<name>`); a name the catalogue lacks as it is. */
function envLabel(locale: Locale, name: string): string {
  const key = `validationEnv.${name}`;
  return key in en ? translate(locale, key as MessageKey) : name;
}

/**
 * The validation report as a PDF (pdfkit, the recall documents' fonts): the result, a summary
 * per clause (gaps with their reasons), the checks with what they measured and found, each
 * requirement with its tests and their results, the deviations and the environment. Dated by
 * the report's generatedAt, so equal reports give equal bytes.
 */
export async function renderReportPdf(report: ValidationReport, locale: Locale = 'en', fonts?: NoticeFonts): Promise<Uint8Array> {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const status = (s: string) => t(`validation.status.${s}` as MessageKey);
  const { doc, done, width } = await startPdf({ locale, title: t('validation.pdf.title'), subject: t('validation.pdf.subtitle'), date: new Date(report.generatedAt), pageFooters: true, fonts });

  doc.font('bold').fontSize(18).text(t('validation.pdf.title'), pdfMargin, doc.y, { width });
  doc.font('regular').fontSize(10).text(t('validation.pdf.subtitle'), { width }).moveDown(0.6);
  drawFacts(
    doc,
    [
      [t('validation.pdf.result'), t(report.passed ? 'validation.pdf.passed' : 'validation.pdf.failed')],
      [t('validation.pdf.generatedAt'), report.generatedAt],
      [t('validation.pdf.commit'), report.commit ?? '—'],
      ...(report.environment.database ? [[t('validation.pdf.database'), report.environment.database] as [string, string]] : []),
    ],
    130,
  );

  drawHeading(doc, t('validation.pdf.summary'), 60);
  drawTable(
    doc,
    [
      { label: t('validation.pdf.col.clause'), width: 80 },
      { label: '', width: 170 },
      { label: t('validation.pdf.col.status'), width: 55 },
      { label: t('validation.pdf.col.requirements'), width: width - 305 },
    ],
    report.clauses.map((c) => [c.id, c.title, status(c.status), c.status === 'gap' ? t('validation.pdf.gap', { reason: c.gapReason ?? '' }) : c.requirements.join(', ')]),
    { fontSize: 8, cellPad: 3 },
  );

  drawHeading(doc, t('validation.pdf.checks'), 60);
  for (const c of report.checks) {
    drawHeading(doc, `${t(`validation.check.${c.id}` as MessageKey)}: ${status(c.status)}`, 50);
    drawFacts(doc, Object.entries(c.facts).map(([k, v]) => [factLabel(locale, k), wordValue(locale, v)]), 200);
    for (const f of c.findings) doc.font('bold').fontSize(9).text(`• ${wordFinding(locale, f)}`, pdfMargin, doc.y, { width });
    doc.font('regular');
  }

  drawHeading(doc, t('validation.pdf.requirements'), 60);
  if (report.requirements.every((r) => r.tests.every((x) => x.status === 'not_run'))) doc.fontSize(9).text(t('validation.pdf.noTests'), pdfMargin, doc.y, { width });
  for (const r of report.requirements) {
    drawHeading(doc, `${r.id} — ${status(r.status)}`, 60);
    doc.font('regular').fontSize(9).text(`${r.text} (${r.clauses.join(', ')})`, pdfMargin, doc.y, { width }).moveDown(0.3);
    if (r.tests.length) {
      drawTable(
        doc,
        [
          { label: t('validation.pdf.col.test'), width: width - 130 },
          { label: t('validation.pdf.col.tier'), width: 60 },
          { label: t('validation.pdf.col.status'), width: 70 },
        ],
        r.tests.map((x) => [`${x.file}: ${x.name}`, x.tier, status(x.status)]),
        { fontSize: 7, cellPad: 2 },
      );
    }
  }

  drawHeading(doc, t('validation.pdf.deviations'), 40);
  if (report.deviations.length === 0) doc.fontSize(10).text(t('validation.pdf.noDeviations'), pdfMargin, doc.y, { width });
  for (const d of report.deviations) doc.fontSize(9).text(`• ${wordFinding(locale, d)}`, pdfMargin, doc.y, { width });

  drawHeading(doc, t('validation.pdf.environment'), 40);
  drawFacts(doc, Object.entries(report.environment).map(([k, v]) => [envLabel(locale, k), wordValue(locale, v)]), 170);

  drawPageFooters(doc, (page, pages) => t('validation.pdf.footer', { generatedAt: report.generatedAt, page, pages }));
  doc.end();
  return done;
}
