import type { Args, Db, Tx } from './index.ts';

export interface PagedRows<T> {
  rows: T[];
  /** Rows in the whole list. */
  total: number;
  /** The page shown: the one asked for, or the last one when that lies past the end. */
  page: number;
  pages: number;
}

/**
 * One page of a list and the list's total in one statement: the count rides along as a scalar
 * subquery (SQLite evaluates it once) beside the page's rows, instead of a statement of its own
 * per list (each prepared anew: the portal's signed-in pages spent a sixth of their time preparing
 * statements). Only a page past the end (a hand-made link, a list that shrank) gives no rows and
 * so no total: then the count alone and the last page, as before.
 *
 * `select` is the select list, `from` the rest up to the ORDER BY (FROM … WHERE …, its arguments
 * `args`), `count` a whole `SELECT COUNT(*) …` over the same rows (its arguments `countArgs`).
 */
export async function pagedRows<T>(
  db: Db | Tx,
  q: { select: string; from: string; args: Args; count: string; countArgs: Args; orderBy: string; page: number; pageSize: number },
): Promise<PagedRows<T>> {
  const pageOf = (page: number) =>
    db.all<T & { list_total: number }>(`SELECT ${q.select}, (${q.count}) AS list_total ${q.from} ORDER BY ${q.orderBy} LIMIT ? OFFSET ?`, [
      ...q.countArgs,
      ...q.args,
      q.pageSize,
      (page - 1) * q.pageSize,
    ]);
  let page = Math.max(Math.trunc(q.page) || 1, 1);
  let rows = await pageOf(page);
  let total = rows[0]?.list_total ?? 0;
  if (rows.length === 0 && page > 1) {
    total = (await db.get<{ n: number }>(q.count, q.countArgs))?.n ?? 0;
    page = Math.max(1, Math.ceil(total / q.pageSize));
    rows = total > 0 ? await pageOf(page) : [];
  }
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / q.pageSize)) };
}
