import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { countMeasures, sumMonths } from './measures.ts';
import type { PeriodKind } from './period.ts';
import { rankScorecards, setScorecardWeights } from './permissions.ts';
import { askedPeriod, figures, type PeriodFigures } from './scorecard.ts';
import { weightsHistory, weightsInForce, type WeightsInForce } from './weights.ts';

export interface RankedSupplier extends PeriodFigures {
  /** 1 for the best overall score; suppliers without a score come last, unranked (null). */
  rank: number | null;
  supplier: { id: string; name: string };
}

export interface ScorecardRanking {
  period: { key: string; kind: PeriodKind };
  suppliers: RankedSupplier[];
  weights: WeightsInForce;
  /** Earlier weights, newest first (the one in force included). */
  history: WeightsInForce[];
  permissions: { setWeights: boolean };
}

/**
 * Every supplier's scorecard for one period, ranked by overall score (best first; ties by name;
 * suppliers with nothing counted last). Manufacturer staff only.
 */
export async function listScorecards(ctx: UseCaseContext, actor: Actor, query: { period?: string } = {}): Promise<ScorecardRanking> {
  rankScorecards.require(actor);
  const now = ctx.clock.now();
  const period = askedPeriod(query.period, now);
  const [suppliers, counts, weights, history] = [
    await ctx.db.all<{ id: string; name: string }>("SELECT id, name FROM organisations WHERE kind = 'supplier' ORDER BY name, id"),
    await countMeasures(ctx.db, { from: period.from, to: period.to, now: now.toISOString() }),
    await weightsInForce(ctx.db),
    await weightsHistory(ctx.db),
  ];
  const rows = suppliers.map((supplier) => ({ supplier, ...figures(period.key, sumMonths(counts.get(supplier.id), period.months), weights.weights) }));
  rows.sort((a, b) => (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0) || (b.score ?? 0) - (a.score ?? 0) || a.supplier.name.localeCompare(b.supplier.name));
  let rank = 0;
  return {
    period: { key: period.key, kind: period.kind },
    suppliers: rows.map((r) => ({ ...r, rank: r.score === null ? null : ++rank })),
    weights,
    history,
    permissions: { setWeights: setScorecardWeights.allows(actor) },
  };
}
