import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { countMeasures, sumMonths } from './measures.ts';
import { periodsEnding, trendLength, type PeriodKind } from './period.ts';
import { rankScorecards, readScorecards, setScorecardWeights } from './permissions.ts';
import { askedPeriod, figures, refuseOtherSupplier, type PeriodFigures } from './scorecard.ts';
import { weightsInForce, type WeightsInForce } from './weights.ts';

export interface Scorecard {
  supplier: { id: string; name: string };
  period: { key: string; kind: PeriodKind };
  /** The asked period's figures. */
  current: PeriodFigures;
  /** The periods ending with the asked one, oldest first: a year of months or two years of quarters. */
  trend: PeriodFigures[];
  weights: WeightsInForce;
  permissions: { rank: boolean; setWeights: boolean };
}

/**
 * One supplier's scorecard for a period (a month or a quarter; the current quarter when none is
 * asked) with the trend of each measure up to it. A supplier's users read their own card only:
 * another supplier's does not exist for them (not_found); manufacturer staff read every card.
 */
export async function getScorecard(ctx: UseCaseContext, actor: Actor, supplierId: string, query: { period?: string } = {}): Promise<Scorecard> {
  readScorecards.require(actor);
  refuseOtherSupplier(actor, supplierId);
  const supplier = await ctx.db.get<{ id: string; name: string }>("SELECT id, name FROM organisations WHERE id = ? AND kind = 'supplier'", [supplierId]);
  if (!supplier) throw new AppError('not_found', 'no such scorecard');
  const now = ctx.clock.now();
  const period = askedPeriod(query.period, now);
  const periods = periodsEnding(period, trendLength[period.kind]);
  const counts = await countMeasures(ctx.db, { supplierId, from: periods[0]!.from, to: period.to, now: now.toISOString() });
  const weights = await weightsInForce(ctx.db);
  const months = counts.get(supplierId);
  const trend = periods.map((p) => figures(p.key, sumMonths(months, p.months), weights.weights));
  return {
    supplier,
    period: { key: period.key, kind: period.kind },
    current: trend[trend.length - 1]!,
    trend,
    weights,
    permissions: { rank: rankScorecards.allows(actor), setWeights: setScorecardWeights.allows(actor) },
  };
}
