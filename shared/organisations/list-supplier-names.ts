import type { Db } from '../db/index.ts';

/** Every supplier's id and name, for the manufacturer staff's "supplier" filters. */
export function listSupplierNames(db: Db): Promise<{ id: string; name: string }[]> {
  return db.all<{ id: string; name: string }>("SELECT id, name FROM organisations WHERE kind = 'supplier' ORDER BY name");
}
