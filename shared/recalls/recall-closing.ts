import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { Tx } from '../db/index.ts';
import { problem, type Problems } from '../errors.ts';
import { recallForStaff } from './get-recall-dashboard.ts';
import { recallEffectivenessPercent, sampleSize } from './draw-effectiveness-checks.ts';

/** How many names a refusal or the close form lists; the count says how many there are. */
export const closingNamesShown = 20;

/** What still stands between an open recall and its closing (empty lists: nothing). */
export interface ClosingGaps {
  /** Consignees that neither replied nor were followed up to their final notice, by name. */
  openConsignees: string[];
  /** Drawn consignees whose effectiveness check has no outcome yet, by name. */
  unrecordedChecks: string[];
  /** Consignees the level's sample asks for beyond those drawn. */
  undrawnChecks: number;
  sampleSize: number;
}

/**
 * What QA must settle before closing a recall (21 CFR 7.55): every consignee replied
 * (latest_version > 0) or was sent its final notice (follow_up_level 3), the sample the
 * effectiveness level asks for is drawn and every drawn check has an outcome.
 */
export async function closingGaps(db: Pick<Tx, 'all' | 'get'>, recallId: string, level: Parameters<typeof sampleSize>[0]): Promise<ClosingGaps> {
  const open = await db.all<{ name: string }>(
    `SELECT o.name FROM (SELECT DISTINCT distributor_organisation_id AS id FROM recall_consignees WHERE recall_id = ?) c
       JOIN organisations o ON o.id = c.id
       LEFT JOIN recall_notices n ON n.recall_id = ? AND n.distributor_organisation_id = c.id
      WHERE ifnull(n.latest_version, 0) = 0 AND ifnull(n.follow_up_level, 0) < 3
      ORDER BY o.name, o.id`,
    [recallId, recallId],
  );
  const unrecorded = await db.all<{ name: string }>(
    `SELECT o.name FROM recall_effectiveness_checks e JOIN organisations o ON o.id = e.distributor_organisation_id
      WHERE e.recall_id = ? AND e.outcome IS NULL ORDER BY o.name, o.id`,
    [recallId],
  );
  const counts = (await db.get<{ consignees: number; drawn: number }>(
    `SELECT (SELECT COUNT(DISTINCT distributor_organisation_id) FROM recall_consignees WHERE recall_id = ?) AS consignees,
            (SELECT COUNT(*) FROM recall_effectiveness_checks WHERE recall_id = ?) AS drawn`,
    [recallId, recallId],
  ))!;
  const size = sampleSize(level, counts.consignees, await recallEffectivenessPercent(db, recallId));
  return { openConsignees: open.map((r) => r.name), unrecordedChecks: unrecorded.map((r) => r.name), undrawnChecks: Math.max(0, size - counts.drawn), sampleSize: size };
}

export function hasClosingGaps(g: ClosingGaps): boolean {
  return g.openConsignees.length > 0 || g.unrecordedChecks.length > 0 || g.undrawnChecks > 0;
}

const listed = (names: string[]) => names.slice(0, closingNamesShown).join(', ') + (names.length > closingNamesShown ? ', …' : '');

/** The gaps as problems (counts and names as params), for a refused close or the close form. */
export function closingGapProblems(g: ClosingGaps): Problems {
  const problems: Problems = {};
  if (g.openConsignees.length) problems.consignees = problem('recallClosing.consigneesOpen', { count: g.openConsignees.length, names: listed(g.openConsignees) });
  if (g.undrawnChecks > 0) problems.sample = problem('recallClosing.sampleNotDrawn', { missing: g.undrawnChecks, sampleSize: g.sampleSize });
  if (g.unrecordedChecks.length) problems.checks = problem('recallClosing.checksOpen', { count: g.unrecordedChecks.length, names: listed(g.unrecordedChecks) });
  return problems;
}

/**
 * What the recall page shows before QA closes: what is open (as problems, counts and names as
 * params) and QA's estimated completion date (manufacturer staff; anyone else: not_found).
 */
export async function getRecallClosing(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<{ problems: Problems; open: boolean; estimatedCompletionOn: string | null }> {
  const recall = await recallForStaff(ctx.db, actor, recallId);
  const gaps = await closingGaps(ctx.db, recall.id, recall.effectivenessLevel);
  const estimate = await ctx.db.get<{ on: string | null }>('SELECT estimated_completion_on AS "on" FROM recalls WHERE id = ?', [recall.id]);
  return { problems: closingGapProblems(gaps), open: hasClosingGaps(gaps), estimatedCompletionOn: estimate?.on ?? null };
}
