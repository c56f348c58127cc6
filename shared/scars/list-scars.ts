import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, type Actor } from '../auth/actor.ts';
import { todayIn } from '../time-zone.ts';
import { listSupplierNames } from '../organisations/list-supplier-names.ts';
import type { ScarState, ScarSummary } from './scar.ts';
import { decideScars, readScars, scarScope, scarSelect, toSummary, type ScarRow } from './scar-record.ts';

export interface ScarQuery {
  /** Manufacturer staff only: one supplier's SCARs. */
  supplierId?: string;
  state?: string;
  /** Only SCARs with a step past its due date. */
  overdue?: boolean;
}

export interface ScarList {
  scars: ScarSummary[];
  /** Manufacturer staff see every supplier's SCARs; a supplier its own. */
  staff: boolean;
  /** For the supplier filter and the new-SCAR form of manufacturer staff; empty for a supplier. */
  suppliers: { id: string; name: string }[];
  permissions: { open: boolean };
}

const states: readonly ScarState[] = ['open', 'verification', 'closed', 'cancelled'];
const maxRows = 500;

/**
 * The SCARs the actor may see: QA and the administrator every supplier's, a supplier's users
 * their organisation's own. Open ones first, by next due date; then the rest, newest first.
 */
export async function listScars(ctx: UseCaseContext, actor: Actor, query: ScarQuery = {}): Promise<ScarList> {
  readScars.require(actor);
  const scope = scarScope(actor);
  const staff = actor.organisationKind === 'manufacturer';
  const where = [scope.sql];
  const args: string[] = [...scope.args];
  if (staff && query.supplierId) {
    where.push('s.supplier_id = ?');
    args.push(query.supplierId);
  }
  if (query.state && (states as readonly string[]).includes(query.state)) {
    where.push('s.state = ?');
    args.push(query.state);
  }
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const rows = await ctx.db.all<ScarRow>(
    `SELECT * FROM (${scarSelect} WHERE ${where.join(' AND ')}) ORDER BY state != 'open', CASE WHEN state = 'open' THEN next_due END, opened_at DESC, number DESC LIMIT ${maxRows}`,
    args,
  );
  let scars = rows.map((r) => toSummary(r, today));
  if (query.overdue) scars = scars.filter((s) => s.overdue);
  return { scars, staff, suppliers: staff ? await listSupplierNames(ctx.db) : [], permissions: { open: decideScars.allows(actor) } };
}
