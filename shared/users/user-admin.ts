import type { Db, Tx } from '../db/index.ts';
import type { Actor, OrganisationKind, Role } from '../auth/actor.ts';
import { AppError } from '../errors.ts';

/**
 * Who may manage users: a manufacturer_admin every organisation's, an organisation's
 * administrator (memberships.administers) its own organisation's only, nobody else.
 */
export type AdministeredScope = { everyOrganisation: true } | { everyOrganisation: false; organisationId: string };

/** Whether a member with this role and memberships.administers flag manages users at all. */
export function administersBy(role: Role | null, administers: number | null | undefined): boolean {
  return role === 'manufacturer_admin' || administers === 1;
}

export async function administeredScope(db: Db | Tx, actor: Actor): Promise<AdministeredScope> {
  if (actor.role === 'manufacturer_admin') return { everyOrganisation: true };
  const row = await db.get<{ administers: number }>('SELECT administers FROM memberships WHERE user_id = ? AND organisation_id = ?', [actor.userId, actor.organisationId]);
  if (administersBy(actor.role, row?.administers)) return { everyOrganisation: false, organisationId: actor.organisationId };
  throw new AppError('forbidden', "only an administrator of the organisation manages its users");
}

/** The scope as SQL over a memberships alias (`m.organisation_id` by default). */
export function scopeSql(scope: AdministeredScope, column = 'm.organisation_id'): { sql: string; args: string[] } {
  return scope.everyOrganisation ? { sql: '1 = 1', args: [] } : { sql: `${column} = ?`, args: [scope.organisationId] };
}

export interface AdministeredUser {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  disabled_at: string | null;
  organisation_id: string;
  organisation_name: string;
  organisation_kind: OrganisationKind;
  role: Role;
  administers: number;
}

/**
 * A person the scope reaches, or not_found (which also hides that another organisation's user
 * exists). An API key's technical user is not managed here: its key is revoked instead.
 */
export async function findAdministeredUser(db: Db | Tx, scope: AdministeredScope, userId: string): Promise<AdministeredUser> {
  const s = scopeSql(scope);
  const row = await db.get<AdministeredUser>(
    `SELECT u.id, u.email, u.display_name, u.password_hash, u.disabled_at, m.organisation_id, o.name AS organisation_name, o.kind AS organisation_kind, m.role, m.administers
       FROM users u JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.organisation_id
      WHERE u.id = ? AND ${s.sql} AND u.kind = 'person'
      ORDER BY m.created_at LIMIT 1`,
    [userId, ...s.args],
  );
  if (!row) throw new AppError('not_found', 'no such user');
  return row;
}
