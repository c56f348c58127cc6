import type { Args, Db, Tx } from './index.ts';

/** Where a keyset page starts: after the row with this sort key and id (in the list's order). */
export interface KeysetAfter {
  key: string;
  id: string;
}

export interface KeysetRows<T> {
  rows: T[];
  /** Where the following page starts; null on the last page. */
  next: KeysetAfter | null;
}

/**
 * One page of a list in a total order (sort key, then id): the rows after `after` (from the
 * start when null), at most `limit`, and where the next page starts. Unlike OFFSET paging,
 * rows added or removed meanwhile never make a later page repeat or skip a row. `key` is a SQL
 * expression that is never NULL (COALESCE a nullable column), `id` the row's unique id column,
 * `where` the list's condition over `args`; the key comes back as `keyset_key`.
 */
export async function keysetRows<T extends { keyset_key: string; keyset_id: string }>(
  db: Db | Tx,
  q: { select: string; from: string; where: string; args: Args; key: string; id: string; order: 'ASC' | 'DESC'; after: KeysetAfter | null; limit: number },
): Promise<KeysetRows<T>> {
  const after = q.after ? ` AND (${q.key}, ${q.id}) ${q.order === 'ASC' ? '>' : '<'} (?, ?)` : '';
  const rows = await db.all<T>(
    `SELECT ${q.select}, ${q.key} AS keyset_key, ${q.id} AS keyset_id ${q.from} WHERE (${q.where})${after} ORDER BY ${q.key} ${q.order}, ${q.id} ${q.order} LIMIT ?`,
    [...q.args, ...(q.after ? [q.after.key, q.after.id] : []), q.limit + 1],
  );
  const more = rows.length > q.limit;
  if (more) rows.pop();
  const last = rows.at(-1);
  return { rows, next: more && last ? { key: last.keyset_key, id: last.keyset_id } : null };
}
