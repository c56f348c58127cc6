// A period's key ('2026-03', '2026-Q1') as the reader's language writes it.
import { t } from '$lib/i18n';

export function periodLabel(key: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(key);
  if (q) return t('scorecard.periodQuarter', { year: q[1]!, quarter: q[2]! });
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  return m ? t('scorecard.periodMonth', { year: m[1]!, month: m[2]! }) : key;
}

/** A percentage as the tables show it: one decimal, or "nothing counted". */
export function percentLabel(percent: number | null): string {
  return percent === null ? t('scorecard.notCounted') : t('scorecard.percent', { percent: percent.toFixed(1) });
}
