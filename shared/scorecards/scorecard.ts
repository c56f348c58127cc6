// The views of a scorecard: one supplier's card (each measure over a trend of periods) and QA's
// ranking of every supplier for one period. Shared by the use cases, the CSV and the pages.
import { AppError, problem, refusal } from '../errors.ts';
import type { Actor } from '../auth/actor.ts';
import { measureIds, rate, type MeasureCounts, type MeasureId, type Ratio } from './measures.ts';
import { parsePeriod, periodOf, type Period, type PeriodKind } from './period.ts';
import { overallScore, type Weights } from './weights.ts';

export interface MeasureFigure extends Ratio {
  /** numerator / denominator as a percentage (0..100), null when nothing was counted. */
  percent: number | null;
}

export interface PeriodFigures {
  period: string;
  measures: { [M in MeasureId]: MeasureFigure };
  /** The weighted overall score (0..100), null when no measure counted anything. */
  score: number | null;
}

export function figures(period: string, counts: MeasureCounts, weights: Weights): PeriodFigures {
  const measures = Object.fromEntries(
    measureIds.map((m) => {
      const r = rate(counts[m]);
      return [m, { ...counts[m], percent: r === null ? null : 100 * r }];
    }),
  ) as PeriodFigures['measures'];
  return { period, measures, score: overallScore(counts, weights) };
}

/** The period a page asks for (`?period=2026-03` or `2026-Q1`), else the current quarter. */
export function askedPeriod(key: string | undefined, now: Date, fallback: PeriodKind = 'quarter'): Period {
  if (key === undefined || key === '') return periodOf(fallback, now);
  const period = parsePeriod(key);
  if (!period) throw refusal('invalid_input', 'the period is a month (2026-03) or a quarter (2026-Q1)', { period: problem('scorecard.badPeriod') });
  return period;
}

/** A supplier's users may read only their own card: any other supplier does not exist for them. */
export function refuseOtherSupplier(actor: Actor, supplierId: string): void {
  if (actor.organisationKind === 'supplier' && actor.organisationId !== supplierId) throw new AppError('not_found', 'no such scorecard');
}
