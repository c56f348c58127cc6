// The `after` of a list use case ordered by (a text sort key, id), from a list's `cursor` query.
import { problem, refusal } from '../../shared/errors.ts';
import { decodeCursor } from './list.ts';

/** The keyset position a cursor names, or undefined for the first page; a cursor with another kind of key is refused like a forged one. */
export function keysetAfter(cursor: unknown): { key: string; id: string } | undefined {
  if (typeof cursor !== 'string') return undefined;
  const at = decodeCursor(cursor);
  if (typeof at.k !== 'string') throw refusal('invalid_input', 'the cursor is not one this list handed out', { 'query:cursor': problem('api.badCursor') });
  return { key: at.k, id: at.id };
}
