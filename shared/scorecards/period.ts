// Scorecard periods: a calendar month ('2026-03') or quarter ('2026-Q1'), in UTC. Every measure is
// counted per month; a quarter adds its three months' numerators and denominators.

export type PeriodKind = 'month' | 'quarter';

export interface Period {
  /** '2026-03' or '2026-Q1': what the page's picker and the URL carry. */
  key: string;
  kind: PeriodKind;
  /** The months it spans, 'YYYY-MM'. */
  months: string[];
  /** First day (inclusive) and the day after the last (exclusive), 'YYYY-MM-DD'. */
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthKey = (year: number, month: number) => `${year}-${pad(month)}`;

/** The month after 'YYYY-MM' (index arithmetic on a month count). */
function shiftMonth(key: string, by: number): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const n = y * 12 + (m - 1) + by;
  return monthKey(Math.floor(n / 12), (n % 12) + 1);
}

function monthPeriod(key: string): Period {
  return { key, kind: 'month', months: [key], from: `${key}-01`, to: `${shiftMonth(key, 1)}-01` };
}

function quarterPeriod(year: number, quarter: number): Period {
  const first = monthKey(year, quarter * 3 - 2);
  const months = [first, shiftMonth(first, 1), shiftMonth(first, 2)];
  return { key: `${year}-Q${quarter}`, kind: 'quarter', months, from: `${first}-01`, to: `${shiftMonth(first, 3)}-01` };
}

/** A period from its key, or null when the key is not one. */
export function parsePeriod(key: string | null | undefined): Period | null {
  const text = key?.trim() ?? '';
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (m) return monthPeriod(text);
  m = /^(\d{4})-Q([1-4])$/.exec(text);
  if (m) return quarterPeriod(Number(m[1]), Number(m[2]));
  return null;
}

/** The period of this kind that holds the day. */
export function periodOf(kind: PeriodKind, day: Date): Period {
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth() + 1;
  return kind === 'month' ? monthPeriod(monthKey(year, month)) : quarterPeriod(year, Math.ceil(month / 3));
}

/** The `count` periods of the same kind ending with `last`, oldest first (a trend). */
export function periodsEnding(last: Period, count: number): Period[] {
  const step = last.kind === 'month' ? 1 : 3;
  const out: Period[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const first = shiftMonth(last.months[0]!, -i * step);
    const [y, mo] = first.split('-').map(Number) as [number, number];
    out.push(last.kind === 'month' ? monthPeriod(first) : quarterPeriod(y, Math.ceil(mo / 3)));
  }
  return out;
}

/** How many periods a card's trend shows: a year of months, two years of quarters. */
export const trendLength: Record<PeriodKind, number> = { month: 12, quarter: 8 };

/** The periods a picker offers on a day: the last 12 months and 8 quarters, newest first. */
export function periodChoices(now: Date): { months: string[]; quarters: string[] } {
  const newestFirst = (kind: PeriodKind) =>
    periodsEnding(periodOf(kind, now), trendLength[kind])
      .map((p) => p.key)
      .reverse();
  return { months: newestFirst('month'), quarters: newestFirst('quarter') };
}
