import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, type Actor } from '../auth/actor.ts';
import { todayIn } from '../time-zone.ts';
import { keysetRows, type KeysetAfter } from '../db/keyset-rows.ts';
import type { ScarState, ScarSummary } from './scar.ts';
import { readScars, scarScope, scarSelect, toSummary, type ScarRow } from './scar-record.ts';

export interface ScarKeysetQuery {
  state?: ScarState;
  /** Only open SCARs with a step past its due date (by the actor's today). */
  overdue?: boolean;
  /** By when the SCAR was opened, or by its number. */
  sort: 'opened' | 'number';
  order: 'asc' | 'desc';
  after: KeysetAfter | null;
  /** 1–200. */
  limit: number;
}

export interface ScarKeysetList {
  items: ScarSummary[];
  /** Where the next page starts; null on the last page. */
  next: KeysetAfter | null;
}

/**
 * A keyset page of the SCARs the actor may see (the REST API; the portal's list is listScars):
 * QA and the administrator every supplier's, a supplier's users their own organisation's. In a
 * total order of an unchanging key and the id, so paging neither repeats nor skips a SCAR.
 */
export async function listScarsKeyset(ctx: UseCaseContext, actor: Actor, query: ScarKeysetQuery): Promise<ScarKeysetList> {
  readScars.require(actor);
  const scope = scarScope(actor);
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const where: string[] = [];
  const args: string[] = [...scope.args];
  if (query.state) {
    where.push('x.state = ?');
    args.push(query.state);
  }
  if (query.overdue) {
    where.push("x.state = 'open' AND x.next_due < ?");
    args.push(today);
  }
  const { rows, next } = await keysetRows<ScarRow>(ctx.db, {
    select: 'x.*',
    from: `FROM (${scarSelect} WHERE ${scope.sql}) x`,
    where,
    args,
    key: query.sort === 'number' ? 'x.number' : 'x.opened_at',
    id: 'x.id',
    order: query.order,
    after: query.after,
    limit: Math.min(Math.max(Math.trunc(query.limit), 1), 200),
  });
  return { items: rows.map((r) => toSummary(r, today)), next };
}
