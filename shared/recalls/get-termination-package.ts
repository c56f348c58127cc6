import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { Tx } from '../db/index.ts';
import { getRecallStatusReport, type RecallStatusReport } from './recall-status-report.ts';
import type { ContactMethod, EffectivenessOutcome } from './record-effectiveness-check.ts';

/** One recorded outcome of an effectiveness check, with how the consignee was reached and who signed it. */
export interface CheckRecord {
  id: string;
  distributorOrganisationId: string;
  name: string;
  outcome: EffectivenessOutcome;
  method: ContactMethod;
  note: string | null;
  checkedAt: string;
  signerName: string;
  signatureMethod: 'password' | 'passkey';
}

/** Every outcome recorded for a recall's checks, oldest first per consignee (a later record does not replace an earlier one). */
export async function listCheckRecords(db: Pick<Tx, 'all'>, recallId: string): Promise<CheckRecord[]> {
  const rows = await db.all<{
    id: string;
    org: string;
    name: string;
    outcome: EffectivenessOutcome;
    method: ContactMethod;
    note: string | null;
    checked_at: string;
    signer_name: string;
    signature_method: 'password' | 'passkey';
  }>(
    `SELECT r.id, r.distributor_organisation_id AS org, o.name, r.outcome, r.method, r.note, r.checked_at, s.signer_name, s.method AS signature_method
       FROM recall_effectiveness_outcomes r
       JOIN organisations o ON o.id = r.distributor_organisation_id
       JOIN signatures s ON s.id = r.signature_id
      WHERE r.recall_id = ?
      ORDER BY o.name, r.distributor_organisation_id, r.checked_at, r.id`,
    [recallId],
  );
  return rows.map((r) => ({
    id: r.id,
    distributorOrganisationId: r.org,
    name: r.name,
    outcome: r.outcome,
    method: r.method,
    note: r.note,
    checkedAt: r.checked_at,
    signerName: r.signer_name,
    signatureMethod: r.signature_method,
  }));
}

/** Per (GTIN, lot): what happened to the units shipped, from the consignees' latest replies. */
export interface DispositionLot {
  gtin: string;
  lot: string | null;
  shipped: number;
  accountedFor: number;
  returned: number;
  destroyed: number;
  corrected: number;
  onHand: number;
  quarantined: number;
  distributed: number;
  /** Shipped but not accounted for by any reply. */
  notAccounted: number;
}

export interface ClosingRecord {
  closedAt: string;
  signerName: string;
  method: 'password' | 'passkey';
  reason: string;
  /** Present when QA closed although consignees or checks were open. */
  overrideReason: string | null;
  open: { consignees: number; checksUnrecorded: number; checksUndrawn: number } | null;
}

export interface TerminationPackage {
  report: RecallStatusReport;
  disposition: DispositionLot[];
  records: CheckRecord[];
  /** The signed close, once the recall is closed. */
  closing: ClosingRecord | null;
}

async function closingRecord(db: Pick<Tx, 'get'>, recallId: string): Promise<ClosingRecord | null> {
  const entry = await db.get<{ new_values: string; reason: string | null }>(
    "SELECT new_values, reason FROM audit_log WHERE entity_type = 'recall' AND entity_id = ? AND action = 'recall.closed' ORDER BY seq DESC LIMIT 1",
    [recallId],
  );
  if (!entry) return null;
  const values = JSON.parse(entry.new_values) as { signature?: string; overrideReason?: string; open?: ClosingRecord['open'] };
  const signature = await db.get<{ signer_name: string; method: 'password' | 'passkey'; signed_at: string }>('SELECT signer_name, method, signed_at FROM signatures WHERE id = ?', [values.signature ?? '']);
  if (!signature) return null;
  return {
    closedAt: signature.signed_at,
    signerName: signature.signer_name,
    method: signature.method,
    reason: entry.reason ?? '',
    overrideReason: values.overrideReason ?? null,
    open: values.open ?? null,
  };
}

/**
 * The firm's request to terminate a recall (21 CFR 7.55) as manufacturer staff assemble it: the
 * final status report, the disposition of the recalled units per lot, every effectiveness check
 * record, and QA's signed close once there is one. Anyone but manufacturer staff gets
 * `not_found` (getRecallStatusReport).
 */
export async function getTerminationPackage(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<TerminationPackage> {
  const report = await getRecallStatusReport(ctx, actor, recallId);
  const correctedByLot = new Map<string, number>();
  const key = (gtin: string, lot: string | null) => `${gtin}\u0000${lot ?? ''}`;
  for (const r of report.rows) correctedByLot.set(key(r.gtin, r.lot), (correctedByLot.get(key(r.gtin, r.lot)) ?? 0) + (r.corrected ?? 0));
  const disposition = report.dashboard.lots.map((l) => ({
    gtin: l.gtin,
    lot: l.lot,
    shipped: l.shipped,
    accountedFor: l.accountedFor,
    returned: l.returned,
    destroyed: l.destroyed,
    corrected: correctedByLot.get(key(l.gtin, l.lot)) ?? 0,
    onHand: l.onHand,
    quarantined: l.quarantined,
    distributed: l.distributed,
    notAccounted: Math.max(0, l.shipped - l.accountedFor),
  }));
  return {
    report,
    disposition,
    records: await listCheckRecords(ctx.db, report.dashboard.recall.id),
    closing: await closingRecord(ctx.db, report.dashboard.recall.id),
  };
}
