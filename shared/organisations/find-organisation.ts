import type { Db } from '../db/index.ts';
import { problem, refusal } from '../errors.ts';

/**
 * The organisation an operator names by its id or its exact name (the CLI's --org), or undefined.
 * Names are not unique: a name two organisations share is refused (name them by id).
 */
export async function findOrganisation(db: Db, ref: string): Promise<{ id: string } | undefined> {
  const byId = await db.get<{ id: string }>('SELECT id FROM organisations WHERE id = ?', [ref]);
  if (byId) return byId;
  const byName = await db.all<{ id: string }>('SELECT id FROM organisations WHERE name = ? LIMIT 2', [ref]);
  if (byName.length > 1) throw refusal('invalid_input', `more than one organisation is named "${ref}": name it by its id (see lotbridge org list)`, { org: problem('organisations.nameAmbiguous', { name: ref }) });
  return byName[0];
}
