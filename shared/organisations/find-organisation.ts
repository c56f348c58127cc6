import type { Db } from '../db/index.ts';

/** The organisation an operator names by its id or its exact name (the CLI's --org), or undefined. */
export async function findOrganisation(db: Db, ref: string): Promise<{ id: string } | undefined> {
  return db.get<{ id: string }>('SELECT id FROM organisations WHERE id = ? OR name = ? LIMIT 2', [ref, ref]);
}
