import type { Args, Db, Tx } from './index.ts';

/** Where a keyset page starts: after the row with this sort key and id (what an API cursor carries). */
export interface KeysetAfter {
  key: string;
  id: string;
}

/**
 * One page of a list in a total order, the sort key then the id, starting after `after`: the
 * REST API's cursor paging. Unlike an offset, a keyset neither repeats nor skips a row when rows
 * are added or removed between pages. One more row than `limit` is read to know whether there is
 * a next page; `next` is the last row's (key, id), or null at the end.
 *
 * `from` is FROM … with its joins (no WHERE), `where` the conditions (all must hold), `args` the
 * arguments of both; `key` and `id` are SQL expressions over `from`, the key NOT NULL, the id
 * unique. Both are compared as text.
 */
export async function keysetRows<T>(
  db: Db | Tx,
  q: { select: string; from: string; where: string[]; args: Args; key: string; id: string; order: 'asc' | 'desc'; after?: KeysetAfter | null; limit: number },
): Promise<{ rows: T[]; next: KeysetAfter | null }> {
  const where = [...q.where];
  const args = [...q.args];
  if (q.after) {
    where.push(`(${q.key}, ${q.id}) ${q.order === 'asc' ? '>' : '<'} (?, ?)`);
    args.push(q.after.key, q.after.id);
  }
  const order = q.order === 'asc' ? 'ASC' : 'DESC';
  const rows = await db.all<T & { keyset_key: string; keyset_id: string }>(
    `SELECT ${q.select}, ${q.key} AS keyset_key, ${q.id} AS keyset_id ${q.from}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${q.key} ${order}, ${q.id} ${order} LIMIT ?`,
    [...args, q.limit + 1],
  );
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page.at(-1);
  return {
    rows: page.map(({ keyset_key: _k, keyset_id: _i, ...row }) => row as T),
    next: more && last ? { key: String(last.keyset_key), id: String(last.keyset_id) } : null,
  };
}
