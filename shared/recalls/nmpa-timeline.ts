import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';
import type { Tx } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { recallForStaff, type DashboardRecall } from './get-recall-dashboard.ts';
import { decisionInstant, nmpaLevelOf, nmpaLimits, nmpaNeedsAttention, payloadClassifications, type NmpaConsigneeInput, type NmpaLevel, type NmpaLimits } from './nmpa-limits.ts';

/** Manufacturer staff file the authority documents (召回事件报告表, 召回计划, 召回总结评估报告). */
export const downloadNmpaDocuments = permission('manufacturer_qa', 'manufacturer_admin');

export interface NmpaTimeline {
  recall: DashboardRecall;
  limits: NmpaLimits;
  /** Whether the decision time came from the payload's `decidedAt` (else the recall's issue). */
  decidedAtGiven: boolean;
  permissions: { downloadDocuments: boolean };
}

/**
 * Per consignee of these recalls (one row per distributor, not per lot): when its notice went
 * out on at least one channel (e-mail, AS2: recall_notices.channels). A notice row that went
 * out on none told nobody.
 */
async function consigneesOf(db: Pick<Tx, 'all'>, recallIds: readonly string[]): Promise<Map<string, NmpaConsigneeInput[]>> {
  const byRecall = new Map<string, NmpaConsigneeInput[]>(recallIds.map((id) => [id, []]));
  if (recallIds.length === 0) return byRecall;
  const rows = await db.all<{ recall_id: string; organisation_id: string; name: string; sent_at: string | null; channels: string | null }>(
    `SELECT c.recall_id, c.distributor_organisation_id AS organisation_id, o.name, n.sent_at, n.channels
       FROM (SELECT DISTINCT recall_id, distributor_organisation_id FROM recall_consignees WHERE recall_id IN (SELECT value FROM json_each(?))) c
       JOIN organisations o ON o.id = c.distributor_organisation_id
       LEFT JOIN recall_notices n ON n.recall_id = c.recall_id AND n.distributor_organisation_id = c.distributor_organisation_id
      ORDER BY o.name, c.distributor_organisation_id`,
    // One JSON parameter however many recalls: a Durable Object binds at most 100 a statement.
    [JSON.stringify(recallIds)],
  );
  for (const r of rows) {
    const told = r.sent_at !== null && r.channels !== null && r.channels !== '[]';
    byRecall.get(r.recall_id)!.push({ organisationId: r.organisation_id, name: r.name, notifiedAt: told ? r.sent_at : null });
  }
  return byRecall;
}

/** When the recall was closed (the audit trail's entry), or null while it is not. */
async function closedAt(db: Pick<Tx, 'get'>, recallId: string): Promise<string | null> {
  const row = await db.get<{ at: string }>("SELECT at FROM audit_log WHERE action = 'recall.closed' AND entity_type = 'recall' AND entity_id = ? ORDER BY seq LIMIT 1", [recallId]);
  return row?.at ?? null;
}

/** The recall as staff read it, with its payload and NMPA level; null level: not an NMPA recall. */
export async function nmpaRecall(db: Pick<Tx, 'get'>, actor: Actor, recallId: string): Promise<{ recall: DashboardRecall; payload: Record<string, unknown>; level: NmpaLevel | null }> {
  const recall = await recallForStaff(db, actor, recallId);
  const row = await db.get<{ payload: string }>('SELECT payload FROM recalls WHERE id = ?', [recall.id]);
  const payload = JSON.parse(row!.payload) as Record<string, unknown>;
  return { recall, payload, level: nmpaLevelOf(payloadClassifications(payload)) };
}

/**
 * A CN-NMPA recall's time limits for manufacturer staff (医疗器械召回管理办法 第十四条, 第十六条,
 * 第二十二条; see nmpa-limits.ts): from the decision, the deadline to notify every consignee
 * and whether each was notified in time, and the deadlines of the authority documents. Null
 * for a recall without a CN-NMPA classification; anyone but manufacturer staff gets `not_found`.
 */
export async function getNmpaTimeline(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<NmpaTimeline | null> {
  const { recall, payload, level } = await nmpaRecall(ctx.db, actor, recallId);
  if (level === null) return null;
  const consignees = (await consigneesOf(ctx.db, [recall.id])).get(recall.id)!;
  const completedAt = recall.state === 'closed' ? await closedAt(ctx.db, recall.id) : null;
  const limits = nmpaLimits({ level, decidedAt: decisionInstant(payload, recall.issuedAt), completedAt, consignees }, ctx.clock.now());
  return { recall, limits, decidedAtGiven: limits.decidedAt !== new Date(recall.issuedAt).toISOString(), permissions: { downloadDocuments: downloadNmpaDocuments.allows(actor) } };
}

/** The NMPA timeline of a recall that must have one: a recall without a CN-NMPA classification is `not_found` here. */
export async function requireNmpaTimeline(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<NmpaTimeline> {
  const timeline = await getNmpaTimeline(ctx, actor, recallId);
  if (!timeline) throw new AppError('not_found', `recall ${recallId} has no CN-NMPA classification`);
  return timeline;
}

export interface NmpaAttention {
  recallId: string;
  recallNumber: string;
  notifyBy: string;
  status: 'at_risk' | 'overdue';
  notNotified: number;
}

/**
 * The CN-NMPA recalls not closed whose notification limit is at risk or passed with consignees
 * still not notified (notices not released yet included), overdue first, then by limit. Two
 * statements whatever the number of recalls; manufacturer staff only (others: none).
 */
export async function listNmpaAttention(ctx: UseCaseContext, actor: Actor): Promise<NmpaAttention[]> {
  if (actor.organisationKind !== 'manufacturer' || !downloadNmpaDocuments.allows(actor)) return [];
  const recalls = await ctx.db.all<{ id: string; recall_number: string; issued_at: string; payload: string }>(
    "SELECT id, recall_number, issued_at, payload FROM recalls WHERE state IN ('received', 'open') AND payload LIKE '%CN-NMPA%' ORDER BY issued_at, id",
  );
  const nmpa = recalls.flatMap((r) => {
    const payload = JSON.parse(r.payload) as Record<string, unknown>;
    const level = nmpaLevelOf(payloadClassifications(payload));
    return level === null ? [] : [{ ...r, payload, level }];
  });
  const consignees = await consigneesOf(ctx.db, nmpa.map((r) => r.id));
  const now = ctx.clock.now();
  const found: NmpaAttention[] = [];
  for (const r of nmpa) {
    const limits = nmpaLimits({ level: r.level, decidedAt: decisionInstant(r.payload, r.issued_at), consignees: consignees.get(r.id)! }, now);
    if (nmpaNeedsAttention(limits)) found.push({ recallId: r.id, recallNumber: r.recall_number, notifyBy: limits.notifyBy, status: limits.status as NmpaAttention['status'], notNotified: limits.notNotified });
  }
  return found.sort((a, b) => Number(b.status === 'overdue') - Number(a.status === 'overdue') || a.notifyBy.localeCompare(b.notifyBy));
}
