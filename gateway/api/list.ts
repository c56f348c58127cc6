// Lists of /api/v1: keyset cursors, the query every list takes, and the answer's shape.
import { problem, refusal } from '../../shared/errors.ts';
import { apiSchema, type SchemaRef } from './schemas.ts';
import type { JsonSchema } from './operation.ts';

export const defaultLimit = 50;
export const maxLimit = 200;

/** A keyset position: the sort key's value and the id of the last row handed out. */
export interface Cursor {
  k: string | number | null;
  id: string;
}

/**
 * The query schema of a list: `cursor` (opaque), `limit` (1 to 200, default 50), `sort` (one of
 * `sorts`, default the first), `order` (default `defaultOrder`, else asc) and the list's own filters,
 * named as the portal's list filters. Nothing else is accepted.
 */
export function listQuery(options: { sorts: readonly [string, ...string[]]; filters?: Record<string, JsonSchema>; defaultOrder?: 'asc' | 'desc' }): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      cursor: { type: 'string', minLength: 1, maxLength: 1000, description: 'Where to go on: the `nextCursor` of the page before, with the same sort, order and filters. Omit it for the first page.' },
      limit: { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit, description: 'At most this many items.' },
      sort: { enum: [...options.sorts], default: options.sorts[0], description: 'What the items are ordered by (then by id).' },
      order: { enum: ['asc', 'desc'], default: options.defaultOrder ?? 'asc' },
      ...options.filters,
    },
  };
}

const base64url = {
  encode: (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
  decode: (text: string) => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))),
};

/** An opaque cursor for the position after `at` (base64url of JSON: not a secret, just not a contract). */
export function encodeCursor(at: Cursor): string {
  return base64url.encode(JSON.stringify({ k: at.k, id: at.id }));
}

/** A cursor back to its position; a 400 problem (`api.badCursor` on the `cursor` parameter) when it is not one we made. */
export function decodeCursor(text: string): Cursor {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
    const value = JSON.parse(base64url.decode(text)) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const { k, id } = value as Record<string, unknown>;
      if (typeof id === 'string' && id && (k === null || typeof k === 'string' || (typeof k === 'number' && Number.isFinite(k)))) return { k, id };
    }
  } catch {
    // said below
  }
  throw refusal('invalid_input', 'the cursor is not one this list handed out', { 'query:cursor': problem('api.badCursor') });
}

/**
 * The schema of a list answer of `item`s, registered as `<Item>List`:
 * `{ items: [...], nextCursor: string | null }` (null on the last page).
 */
export function listOf(item: SchemaRef): SchemaRef {
  const name = item.$ref.slice('#/components/schemas/'.length);
  return apiSchema(`${name}List`, {
    type: 'object',
    required: ['items', 'nextCursor'],
    additionalProperties: false,
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: ['string', 'null'], description: 'Pass it as `cursor` for the next page; null on the last page.' },
    },
  });
}

/**
 * A page from rows read with `LIMIT limit + 1` in (sort key, id) order: the first `limit` rows
 * and, when there was one more, the cursor after the last of them.
 */
export function pageOf<Row, Item>(rows: readonly Row[], limit: number, cursorOf: (row: Row) => Cursor, item: (row: Row) => Item): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { items: page.map(item), nextCursor: rows.length > limit ? encodeCursor(cursorOf(page[page.length - 1]!)) : null };
}
