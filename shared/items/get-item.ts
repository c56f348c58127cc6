import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { itemColumns, itemScope, toItem, type Item } from './item.ts';

/**
 * One item by its GTIN (any length), if the actor may see it (`itemScope`); anyone else gets
 * not_found, which hides whether the ERP knows it.
 */
export async function getItem(ctx: UseCaseContext, actor: Actor, gtin: string): Promise<Item> {
  const scope = itemScope(actor);
  const row = isValidGtin(gtin.trim()) ? await ctx.db.get<Parameters<typeof toItem>[0]>(`SELECT ${itemColumns} FROM items i WHERE i.gtin = ? AND ${scope.sql}`, [toGtin14(gtin.trim()), ...scope.args]) : undefined;
  if (!row) throw new AppError('not_found', 'no such item');
  return toItem(row);
}
