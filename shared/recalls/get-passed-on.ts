import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import type { OnwardLot } from './pass-on-notice.ts';

export interface PassedOn {
  recallId: string;
  recallNumber: string;
  recallState: string;
  /** The affected lots shipped to the caller's organisation, and how many of each it already passed on. */
  lots: (OnwardLot & { passedOn: number })[];
  /** Every customer the notice reached below the caller (its own, level 2, and theirs), oldest first. */
  customers: { id: string; level: number; passedOnBy: string; name: string; customerType: string; email: string; language: string; lots: OnwardLot[]; sentAt: string; opened: boolean; repliedVersion: number }[];
  permissions: { passOn: boolean };
}

/**
 * What a distributor user sees of its recall notice passed on: its lots, the customers it (and
 * they) passed it on to with whether they opened and replied. Only the recall's consignee sees
 * it; anyone else gets `not_found`, as for an unknown recall.
 */
export async function getPassedOn(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<PassedOn> {
  requireRole(actor, 'distributor_user');
  const n = await ctx.db.get<{ id: string; recall_number: string; state: string }>(
    'SELECT n.id, r.recall_number, r.state FROM recall_notices AS n JOIN recalls AS r ON r.id = n.recall_id WHERE n.recall_id = ? AND n.distributor_organisation_id = ?',
    [recallId, actor.organisationId],
  );
  if (!n) throw new AppError('not_found', 'no such recall notice');
  const rows = await ctx.db.all<{ id: string; level: number; parent_id: string | null; passed_on_by: string; name: string; customer_type: string; email: string; language: string; lots: string; sent_at: string; first_opened_at: string | null; latest_version: number }>(
    'SELECT id, level, parent_id, passed_on_by, name, customer_type, email, language, lots, sent_at, first_opened_at, latest_version FROM recall_onward_notices WHERE notice_id = ? ORDER BY level, sent_at, id',
    [n.id],
  );
  const shipped = await ctx.db.all<OnwardLot>(
    "SELECT gtin, lot, SUM(quantity_shipped) AS quantity FROM recall_consignees WHERE recall_id = ? AND distributor_organisation_id = ? GROUP BY gtin, lot ORDER BY gtin, ifnull(lot, '')",
    [recallId, actor.organisationId],
  );
  const customers = rows.map((r) => ({
    id: r.id,
    level: r.level,
    passedOnBy: r.passed_on_by,
    name: r.name,
    customerType: r.customer_type,
    email: r.email,
    language: r.language,
    lots: JSON.parse(r.lots) as OnwardLot[],
    sentAt: r.sent_at,
    opened: r.first_opened_at !== null,
    repliedVersion: r.latest_version,
  }));
  const own = customers.filter((c) => c.level === 2);
  const lots = shipped.map((l) => ({ ...l, passedOn: own.flatMap((c) => c.lots).filter((x) => x.gtin === l.gtin && x.lot === l.lot).reduce((s, x) => s + x.quantity, 0) }));
  return { recallId, recallNumber: n.recall_number, recallState: n.state, lots, customers, permissions: { passOn: n.state === 'open' } };
}
