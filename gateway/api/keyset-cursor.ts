// The list cursors of /api/v1 (gateway/api/list.ts) as the list use cases' keyset positions
// (shared/db/keyset-rows.ts): the sort key of the last row handed out and its id.
import { decodeCursor, encodeCursor } from './list.ts';
import type { KeysetAfter } from '../../shared/db/keyset-rows.ts';

/** Where the use case goes on from: after the cursor's row, or from the start without one. */
export function afterCursor(cursor: unknown): KeysetAfter | null {
  if (typeof cursor !== 'string') return null;
  const { k, id } = decodeCursor(cursor);
  return { key: k === null ? '' : String(k), id };
}

/** The answer's nextCursor: null on the last page. */
export const nextCursor = (next: KeysetAfter | null): string | null => (next ? encodeCursor({ k: next.key, id: next.id }) : null);
