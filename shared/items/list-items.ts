import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { keysetRows, type KeysetAfter } from '../db/keyset-rows.ts';
import { itemColumns, itemScope, toItem, type Item, type ItemRow } from './item.ts';

export interface ItemQuery {
  /** A GTIN (any length; matched as GTIN-14) or part of one. */
  gtin?: string;
  /** Part of the description, trade name or model. */
  q?: string;
  /** The rows after this GTIN (from the start when null); ordered by GTIN. */
  after: KeysetAfter | null;
  limit: number;
}

export interface ItemList {
  items: Item[];
  next: KeysetAfter | null;
}

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The items the actor may see (`itemScope`: a supplier those it is ordered or has delivered, a
 * distributor those shipped to it), filtered by GTIN or text, in GTIN order, by keyset pages.
 */
export async function listItems(ctx: UseCaseContext, actor: Actor, query: ItemQuery): Promise<ItemList> {
  const scope = itemScope(actor);
  const where = [scope.sql];
  const args: string[] = [...scope.args];
  const gtin = query.gtin?.trim();
  if (gtin) {
    where.push("i.gtin LIKE ? ESCAPE '\\'");
    args.push(like(gtin.replace(/^0+/, '')));
  }
  const text = query.q?.trim();
  if (text) {
    where.push("(i.description LIKE ? ESCAPE '\\' OR i.trade_name LIKE ? ESCAPE '\\' OR i.model LIKE ? ESCAPE '\\')");
    args.push(like(text), like(text), like(text));
  }
  const { rows, next } = await keysetRows<ItemRow>(ctx.db, {
    select: itemColumns,
    from: 'FROM items i',
    where,
    args,
    key: 'i.gtin',
    id: 'i.gtin',
    order: 'asc',
    after: query.after,
    limit: Math.min(Math.max(Math.trunc(query.limit), 1), 200),
  });
  return { items: rows.map(toItem), next };
}
