import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { listEffectivenessChecks, recallEffectivenessPercent, sampleSize, type EffectivenessCheck } from './draw-effectiveness-checks.ts';
import { listCheckRecords, type CheckRecord } from './get-termination-package.ts';
import { getRecallDashboard, type DashboardRecall } from './get-recall-dashboard.ts';
import { effectivenessPermissions } from './recall-permissions.ts';

export interface EffectivenessChecks {
  recall: DashboardRecall;
  /** Consignees the sample is drawn from. */
  consignees: number;
  /** Size of the sample the recall's level asks for. */
  sampleSize: number;
  /** The drawn consignees with their outcomes, by name. */
  checks: EffectivenessCheck[];
  /** Every outcome recorded, oldest first per consignee: a later record never replaces an earlier one. */
  records: CheckRecord[];
  /** Level B: the percentage QA set (null otherwise). */
  percent: number | null;
  /** What this actor may do: draw the sample and record its checks. */
  permissions: { record: boolean };
}

/**
 * A recall's effectiveness check as manufacturer staff see it: the level's sample size, the
 * consignees drawn and what their checks found, and whether the actor may draw and record.
 * Anyone but manufacturer staff gets `not_found` (getRecallDashboard).
 */
export async function getEffectivenessChecks(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<EffectivenessChecks> {
  const { recall, counts } = await getRecallDashboard(ctx, actor, recallId);
  const percent = await recallEffectivenessPercent(ctx.db, recall.id);
  return {
    recall,
    consignees: counts.consignees,
    sampleSize: sampleSize(recall.effectivenessLevel, counts.consignees, percent),
    checks: await listEffectivenessChecks(ctx.db, recall.id),
    records: await listCheckRecords(ctx.db, recall.id),
    percent,
    // Recording stops when the recall closes: the checks are frozen with it.
    permissions: { record: effectivenessPermissions(actor).record && recall.state === 'open' },
  };
}
