import { translate, type Locale } from '../i18n/index.ts';
import { csvCell } from '../recalls/recall-report-csv.ts';
import { measureIds } from './measures.ts';
import type { ScorecardRanking } from './list-scorecards.ts';

const line = (cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(',') + '\r\n';
/** A percentage with one decimal, as the page shows it; empty when nothing was counted. */
export const percentText = (p: number | null): string => (p === null ? '' : p.toFixed(1));

/**
 * QA's ranking as CSV for a spreadsheet: one row per supplier with its rank, overall score and,
 * per measure, the numerator, denominator and percentage; the column names in the reader's
 * language. UTF-8 with a byte order mark (Excel reads Chinese names), CRLF line ends.
 */
export function scorecardsCsv(ranking: ScorecardRanking, locale: Locale): string {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate(locale, key, params);
  const header = [t('scorecard.period'), t('scorecard.rank'), t('scorecard.supplier'), t('scorecard.score')];
  for (const m of measureIds) {
    const name = t(`scorecard.measure.${m}`);
    header.push(t('scorecard.csv.numerator', { measure: name }), t('scorecard.csv.denominator', { measure: name }), t('scorecard.csv.percent', { measure: name }));
  }
  let out = '\uFEFF' + line(header);
  for (const s of ranking.suppliers) {
    const cells: (string | number | null)[] = [ranking.period.key, s.rank, s.supplier.name, percentText(s.score)];
    for (const m of measureIds) cells.push(s.measures[m].numerator, s.measures[m].denominator, percentText(s.measures[m].percent));
    out += line(cells);
  }
  return out;
}
