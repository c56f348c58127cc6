import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import type { Tx } from '../db/index.ts';
import { newId } from '../ids.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { noticeForDistributor } from './notice-for-distributor.ts';
import { reportRecallStock as reportStock } from './recall-permissions.ts';

/** Where a stock report came from (recall_stock_reports.source). */
export type StockReportSource = 'api';

export interface StockLotInput {
  gtin: string;
  lot: string | null;
  onHand: number;
  quarantined: number;
}

export interface StockReport {
  id: string;
  version: number;
  source: StockReportSource;
  reportedAt: string;
  lots: { gtin: string; lot: string | null; onHand: number; quarantined: number }[];
}

/**
 * A distributor reports its stock of a recall's affected lots, on hand and quarantined per lot,
 * as its own system knows them (its WMS over the REST API). It is no reply: the reply that
 * acknowledges the notice is signed by a person on the reply page, which shows this report.
 * The lots are checked as the reply checks them (only the notice's lots, each once, whole
 * numbers, no more quarantined than on hand; every problem at once, by `lots/<i>/<field>`).
 * Each report is a new version; the report, its audit entry and `recall.stock_reported` commit
 * together. Only the notice's own distributor may report (anyone else: `not_found`), only while
 * the recall is open.
 */
export async function reportRecallStock(
  ctx: UseCaseContext,
  actor: Actor,
  input: { recallId: string; lots: StockLotInput[]; source: StockReportSource },
): Promise<StockReport> {
  reportStock.require(actor);
  const row = await ctx.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [input.recallId, actor.organisationId]);
  if (!row) throw new AppError('not_found', 'no such recall notice');
  const notice = await noticeForDistributor(ctx.db, actor, row.id);
  const lots = checkStockLots(input.lots, notice.lots);

  return ctx.db.transaction(async (tx) => {
    const current = await tx.get<{ state: string; version: number }>(
      'SELECT r.state, (SELECT ifnull(MAX(version), 0) FROM recall_stock_reports WHERE notice_id = ?) AS version FROM recalls AS r WHERE r.id = ?',
      [notice.id, notice.recallId],
    );
    if (current!.state !== 'open') throw new AppError('conflict', `recall ${notice.recallNumber} is ${current!.state}: stock is reported only while it is open`);
    const id = newId('rsr');
    const version = current!.version + 1;
    const reportedAt = ctx.clock.now().toISOString();
    await tx.run(
      `INSERT INTO recall_stock_reports (id, notice_id, recall_id, distributor_organisation_id, version, source, lots, reported_by, reported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, notice.id, notice.recallId, notice.distributorOrganisationId, version, input.source, JSON.stringify(lots), actor.userId, reportedAt],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: notice.distributorOrganisationId,
      action: 'recall.stock_reported',
      entityType: 'recall_notice',
      entityId: notice.id,
      newValues: { stockReport: id, version, source: input.source, lots },
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'recall.stock_reported',
      aggregateType: 'recall',
      aggregateId: notice.recallId,
      organisationId: notice.distributorOrganisationId,
      data: {
        recallNumber: notice.recallNumber,
        noticeId: notice.id,
        distributor: notice.distributorRef,
        stockReportId: id,
        version,
        source: input.source,
        lots: lots.map((l) => ({ gtin: l.gtin, ...(l.lot !== null ? { lot: l.lot } : {}), onHand: l.onHand, quarantined: l.quarantined })),
        reportedAt,
      },
    });
    return { id, version, source: input.source, reportedAt, lots };
  });
}

/** The latest stock report on a notice, or null before the first. */
export async function latestStockReport(db: Pick<Tx, 'get'>, noticeId: string): Promise<StockReport | null> {
  const r = await db.get<{ id: string; version: number; source: StockReportSource; reported_at: string; lots: string }>(
    'SELECT id, version, source, reported_at, lots FROM recall_stock_reports WHERE notice_id = ? ORDER BY version DESC LIMIT 1',
    [noticeId],
  );
  return r ? { id: r.id, version: r.version, source: r.source, reportedAt: r.reported_at, lots: JSON.parse(r.lots) as StockReport['lots'] } : null;
}

/** Every problem with the reported lots at once, keyed by `lots/<i>/<field>` (the reply's codes). */
function checkStockLots(given: StockLotInput[], noticeLots: { gtin: string; lot: string | null }[]): StockReport['lots'] {
  const fields: Problems = {};
  if (given.length === 0) fields.lots = problem('reply.lotMissing');
  const known = new Set(noticeLots.map((l) => `${l.gtin}\u0000${l.lot ?? ''}`));
  const seen = new Set<string>();
  const lots = given.map((l, i) => {
    const at = (f: string) => `lots/${i}/${f}`;
    const gtin = toGtin14(String(l.gtin ?? '').trim());
    const lot = l.lot?.trim() || null;
    const key = `${gtin}\u0000${lot ?? ''}`;
    if (!known.has(key)) fields[at('lot')] = problem('reply.unknownLot');
    else if (seen.has(key)) fields[at('lot')] = problem('reply.lotTwice');
    seen.add(key);
    for (const c of ['onHand', 'quarantined'] as const) if (!Number.isSafeInteger(l[c]) || l[c] < 0) fields[at(c)] = problem('reply.count');
    if (!fields[at('onHand')] && !fields[at('quarantined')] && l.quarantined > l.onHand) {
      fields[at('quarantined')] = problem('reply.quarantinedOverOnHand', { quarantined: l.quarantined, onHand: l.onHand });
    }
    return { gtin, lot, onHand: l.onHand, quarantined: l.quarantined };
  });
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the stock report cannot be recorded as it is', fields);
  return lots;
}
