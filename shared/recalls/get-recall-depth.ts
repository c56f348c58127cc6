import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { recallForStaff } from './get-recall-dashboard.ts';
import { deeper, depthCovers, depthOf, isRecallDepth, type RecallDepth } from './onward-terms.ts';

export interface DepthLevel {
  /** 1 = the consignees, 2 = their customers, … */
  level: number;
  notified: number;
  opened: number;
  replied: number;
  /** Notified per kind: consignee types at level 1 (distributor, healthcare_facility, pharmacy), customer types below. */
  byType: Record<string, number>;
  /** Further customers the replies at this level say they passed the notice on to (by their own means or by link). */
  declaredPassedOn: number;
}

export interface RecallDepthView {
  /** The depth the recall asks for (21 CFR 7.42(b)(1)); null when the recall does not say. */
  asked: RecallDepth | null;
  /** The deepest level notified: a hospital or clinic is user level, a pharmacy retail, anyone else wholesale. */
  reached: RecallDepth | null;
  /** Whether the depth reached covers the depth asked for (null when none was asked). */
  covered: boolean | null;
  levels: DepthLevel[];
}

/**
 * How deep a recall's notice has gone, for manufacturer staff (anyone else `not_found`): per
 * level notified, opened and replied, against the depth the recall asked for.
 */
export async function getRecallDepth(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<RecallDepthView> {
  const recall = await recallForStaff(ctx.db, actor, recallId);
  const asked = (await ctx.db.get<{ depth: string | null }>("SELECT payload ->> '$.depth' AS depth FROM recalls WHERE id = ?", [recall.id]))!.depth;
  const first = await ctx.db.all<{ type: string; notified: number; opened: number; replied: number }>(
    `SELECT o.consignee_type AS type, count(*) AS notified, count(n.first_opened_at) AS opened, count(n.first_acknowledged_at) AS replied
     FROM recall_notices AS n JOIN organisations AS o ON o.id = n.distributor_organisation_id WHERE n.recall_id = ? GROUP BY o.consignee_type`,
    [recall.id],
  );
  const below = await ctx.db.all<{ level: number; type: string; notified: number; opened: number; replied: number; declared: number }>(
    `SELECT w.level, w.customer_type AS type, count(*) AS notified, count(w.first_opened_at) AS opened, sum(w.latest_version > 0) AS replied,
            sum(ifnull((SELECT passed_on_count FROM recall_onward_replies AS y WHERE y.onward_notice_id = w.id AND y.version = w.latest_version), 0)) AS declared
     FROM recall_onward_notices AS w WHERE w.recall_id = ? GROUP BY w.level, w.customer_type ORDER BY w.level`,
    [recall.id],
  );
  const levels = new Map<number, DepthLevel>();
  const at = (level: number) => levels.get(level) ?? levels.set(level, { level, notified: 0, opened: 0, replied: 0, byType: {}, declaredPassedOn: 0 }).get(level)!;
  let reached: RecallDepth | null = null;
  for (const r of [...first.map((r) => ({ ...r, level: 1, declared: 0 })), ...below]) {
    const l = at(r.level);
    l.notified += r.notified;
    l.opened += r.opened;
    l.replied += r.replied;
    l.declaredPassedOn += r.declared;
    l.byType[r.type] = (l.byType[r.type] ?? 0) + r.notified;
    if (r.notified) reached = deeper(reached, depthOf(r.type));
  }
  const askedDepth = isRecallDepth(asked) ? asked : null;
  return { asked: askedDepth, reached, covered: askedDepth ? depthCovers(reached, askedDepth) : null, levels: [...levels.values()].sort((a, b) => a.level - b.level) };
}
