import { createHash } from 'node:crypto';
import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { checkEffectiveness } from './recall-permissions.ts';
import type { Tx } from '../db/index.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { recallForStaff } from './get-recall-dashboard.ts';
import { effectivenessPercent, type EffectivenessLevel } from './recall-terms.ts';

export interface EffectivenessCheck {
  distributorOrganisationId: string;
  name: string;
  selectedAt: string;
  outcome: 'effective' | 'ineffective' | null;
  note: string | null;
  checkedAt: string | null;
  checkedBy: string | null;
}

export interface DrawnChecks {
  level: EffectivenessLevel;
  /** Consignees the sample is drawn from. */
  consignees: number;
  /** Size of the sample the level asks for. */
  sampleSize: number;
  /** Drawn by this call (0 when the sample was already complete). */
  added: number;
  checks: EffectivenessCheck[];
}

/**
 * How many consignees a level asks to check (level B: QA's percentage): its share rounded up (a sample never falls
 * below the percentage), at least one for A–D when there are consignees, none for E.
 */
export function sampleSize(level: EffectivenessLevel, consignees: number, percent?: number | null): number {
  const share = effectivenessPercent(level, percent);
  if (share === 0 || consignees === 0) return 0;
  // In percent and rounded to 1e-9 first: 10 % of 30 is 3, not the 4 that 0.1 × 30 rounds up to.
  return Math.min(consignees, Math.max(1, Math.ceil(Number(((share * consignees) / 100).toFixed(9)))));
}

/** Level B's percentage as the recall was issued with it (null: none given, or another level). */
export async function recallEffectivenessPercent(db: Pick<Tx, 'get'>, recallId: string): Promise<number | null> {
  return (await db.get<{ p: number | null }>('SELECT effectiveness_percent AS p FROM recalls WHERE id = ?', [recallId]))?.p ?? null;
}

/** A rank that anyone can recompute from the recall and distributor ids: the sample is reproducible. */
export function drawRank(recallId: string, distributorOrganisationId: string): string {
  return createHash('sha256').update(`${recallId}:${distributorOrganisationId}`).digest('hex');
}

/** The drawn consignees of a recall with their outcomes, by name. */
export async function listEffectivenessChecks(db: Pick<Tx, 'all'>, recallId: string): Promise<EffectivenessCheck[]> {
  const rows = await db.all<{
    distributor_organisation_id: string;
    name: string;
    selected_at: string;
    outcome: 'effective' | 'ineffective' | null;
    note: string | null;
    checked_at: string | null;
    checked_by: string | null;
  }>(
    `SELECT e.distributor_organisation_id, o.name, e.selected_at, e.outcome, e.note, e.checked_at, u.display_name AS checked_by
       FROM recall_effectiveness_checks e
       JOIN organisations o ON o.id = e.distributor_organisation_id
       LEFT JOIN users u ON u.id = e.checked_by
      WHERE e.recall_id = ?
      ORDER BY o.name, e.distributor_organisation_id`,
    [recallId],
  );
  return rows.map((r) => ({
    distributorOrganisationId: r.distributor_organisation_id,
    name: r.name,
    selectedAt: r.selected_at,
    outcome: r.outcome,
    note: r.note,
    checkedAt: r.checked_at,
    checkedBy: r.checked_by,
  }));
}

/**
 * Manufacturer QA draws the consignees to contact for the effectiveness check (21 CFR
 * 7.42(b)(3)) once the notices are out: the level's share of the consignees, ranked by
 * SHA-256 of recall id and distributor id so the draw is reproducible and nobody picks the
 * easy ones. Drawing again only tops the sample up to the level's size (e.g. after a consignee
 * was added), so a repeated call adds nothing; the draw is audited.
 */
export async function drawEffectivenessChecks(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<DrawnChecks> {
  await recallForStaff(ctx.db, actor, recallId);
  checkEffectiveness.require(actor);
  return ctx.db.transaction(async (tx) => {
    const recall = await recallForStaff(tx, actor, recallId);
    if (!recall.noticesSentAt) throw new AppError('conflict', `the notices of recall ${recall.recallNumber} have not been sent yet`);

    const pool = await tx.all<{ id: string; drawn: number }>(
      `SELECT c.id, EXISTS (SELECT 1 FROM recall_effectiveness_checks e WHERE e.recall_id = ? AND e.distributor_organisation_id = c.id) AS drawn
         FROM (SELECT DISTINCT distributor_organisation_id AS id FROM recall_consignees WHERE recall_id = ?) c`,
      [recall.id, recall.id],
    );
    const percent = await recallEffectivenessPercent(tx, recall.id);
    const size = sampleSize(recall.effectivenessLevel, pool.length, percent);
    const alreadyDrawn = pool.filter((p) => p.drawn).length;
    const ranked = pool
      .filter((p) => !p.drawn)
      .map((p) => ({ id: p.id, rank: drawRank(recall.id, p.id) }))
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    const picked = ranked.slice(0, Math.max(0, size - alreadyDrawn)).map((p) => p.id);

    if (picked.length > 0) {
      const now = ctx.clock.now().toISOString();
      // One statement for the whole sample (level A on 5,000 consignees is 5,000 rows).
      await tx.run(
        `INSERT OR IGNORE INTO recall_effectiveness_checks (recall_id, distributor_organisation_id, selected_at)
         SELECT ?, value, ? FROM json_each(?)`,
        [recall.id, now, JSON.stringify(picked)],
      );
      await recordAudit(tx, ctx.clock, {
        actor: asAuditActor(actor),
        organisationId: actor.organisationId,
        action: 'recall.effectiveness_checks_drawn',
        entityType: 'recall',
        entityId: recall.id,
        oldValues: { drawn: alreadyDrawn },
        newValues: { level: recall.effectivenessLevel, ...(percent !== null ? { percent } : {}), consignees: pool.length, sampleSize: size, added: picked },
        requestId: ctx.requestId,
      });
    }
    return {
      level: recall.effectivenessLevel,
      consignees: pool.length,
      sampleSize: size,
      added: picked.length,
      checks: await listEffectivenessChecks(tx, recall.id),
    };
  });
}
