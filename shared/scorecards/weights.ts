// QA's weights of the overall score: the newest signed row of scorecard_weights is in force;
// before QA sets any, every measure weighs the same.
import type { Tx } from '../db/index.ts';
import { recordHash } from '../signatures/record-hash.ts';
import { measureIds, rate, type MeasureCounts, type MeasureId } from './measures.ts';

export type Weights = { [M in MeasureId]: number };

export interface WeightsInForce {
  weights: Weights;
  /** Who set them and when; null for the defaults. */
  setBy: string | null;
  setAt: string | null;
  reason: string | null;
}

export const defaultWeights: Weights = { onTime: 20, acceptance: 20, certificates: 20, invoices: 20, scar: 20 };

/** The table's column of each measure. */
export const weightColumns: { [M in MeasureId]: string } = {
  onTime: 'on_time',
  acceptance: 'acceptance',
  certificates: 'certificates',
  invoices: 'invoices',
  scar: 'scar',
};

/** What QA's signature on new weights binds to (set-weights.ts; re-verified by verify-record-hashes.ts). */
export function weightsRecordHash(id: string, weights: Weights, reason: string): string {
  return recordHash({ weightsId: id, weights, reason });
}

type WeightsRow = Record<string, number | string | null> & { set_by_name: string; set_at: string; reason: string };

export const weightsSelect = `SELECT w.on_time, w.acceptance, w.certificates, w.invoices, w.scar, w.reason, w.set_at, u.display_name AS set_by_name
  FROM scorecard_weights w JOIN users u ON u.id = w.set_by`;

export function toWeightsInForce(row: WeightsRow | undefined): WeightsInForce {
  if (!row) return { weights: { ...defaultWeights }, setBy: null, setAt: null, reason: null };
  const weights = Object.fromEntries(measureIds.map((m) => [m, Number(row[weightColumns[m]])])) as Weights;
  return { weights, setBy: row.set_by_name, setAt: row.set_at, reason: row.reason };
}

export async function weightsInForce(db: Tx): Promise<WeightsInForce> {
  return toWeightsInForce(await db.get<WeightsRow>(`${weightsSelect} ORDER BY w.set_at DESC, w.rowid DESC LIMIT 1`));
}

/** Every change of the weights, newest first (the history QA reads beside the audit trail). */
export async function weightsHistory(db: Tx, limit = 20): Promise<WeightsInForce[]> {
  return (await db.all<WeightsRow>(`${weightsSelect} ORDER BY w.set_at DESC, w.rowid DESC LIMIT ${limit}`)).map(toWeightsInForce);
}

/**
 * The overall score (0..100): the weighted mean of the measures that counted something in the
 * period, their weights scaled to the measures present; null when none did (or all present weigh 0).
 */
export function overallScore(counts: MeasureCounts, weights: Weights): number | null {
  let sum = 0;
  let weight = 0;
  for (const m of measureIds) {
    const r = rate(counts[m]);
    if (r === null || weights[m] <= 0) continue;
    sum += weights[m] * r;
    weight += weights[m];
  }
  return weight > 0 ? (100 * sum) / weight : null;
}
