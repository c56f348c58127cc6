import type { UseCaseContext } from '../context.ts';
import type { Actor, OrganisationKind, Role } from '../auth/actor.ts';
import { administeredScope, scopeSql } from './user-admin.ts';

export type UserState = 'active' | 'invited' | 'disabled';

export interface ManagedUser {
  id: string;
  email: string;
  displayName: string;
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  role: Role;
  administers: boolean;
  state: UserState;
  /** Invited users: when their newest link lapses (null when none is open). */
  invitationExpiresAt: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export interface UserAdministration {
  everyOrganisation: boolean;
  /** The organisations the caller may invite into (their own, or all for a manufacturer admin). */
  organisations: { id: string; name: string; kind: OrganisationKind }[];
  users: ManagedUser[];
}

/**
 * The users an administrator manages: their own organisation's, or every organisation's for a
 * manufacturer admin (optionally one organisation), with each one's state. People only: an API
 * key's technical user is managed on the API keys page (revoking the key disables it).
 */
export async function listUsers(ctx: UseCaseContext, actor: Actor, query: { organisationId?: string } = {}): Promise<UserAdministration> {
  const scope = await administeredScope(ctx.db, actor);
  const s = scopeSql(scope);
  const only = scope.everyOrganisation && query.organisationId ? { sql: 'AND m.organisation_id = ?', args: [query.organisationId] } : { sql: '', args: [] };
  const rows = await ctx.db.all<{
    id: string;
    email: string;
    display_name: string;
    has_password: number;
    has_passkey: number;
    disabled_at: string | null;
    created_at: string;
    organisation_id: string;
    organisation_name: string;
    organisation_kind: OrganisationKind;
    role: Role;
    administers: number;
    invitation_expires_at: string | null;
  }>(
    `SELECT u.id, u.email, u.display_name, u.password_hash IS NOT NULL AS has_password, u.disabled_at, u.created_at,
            EXISTS (SELECT 1 FROM passkey_credentials p WHERE p.user_id = u.id) AS has_passkey,
            m.organisation_id, o.name AS organisation_name, o.kind AS organisation_kind, m.role, m.administers,
            (SELECT max(i.expires_at) FROM user_invitations i WHERE i.user_id = u.id AND i.ended_at IS NULL) AS invitation_expires_at
       FROM users u JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.organisation_id
      WHERE ${s.sql} ${only.sql} AND u.kind = 'person'
      ORDER BY o.name, u.display_name, u.email`,
    [...s.args, ...only.args],
  );
  const organisations = await ctx.db.all<{ id: string; name: string; kind: OrganisationKind }>(
    `SELECT id, name, kind FROM organisations WHERE ${scope.everyOrganisation ? '1 = 1' : 'id = ?'} ORDER BY name`,
    scope.everyOrganisation ? [] : [scope.organisationId],
  );
  return {
    everyOrganisation: scope.everyOrganisation,
    organisations,
    users: rows.map((r) => ({
      id: r.id,
      email: r.email,
      displayName: r.display_name,
      organisationId: r.organisation_id,
      organisationName: r.organisation_name,
      organisationKind: r.organisation_kind,
      role: r.role,
      administers: r.administers === 1,
      state: r.disabled_at ? 'disabled' : r.has_password || r.has_passkey ? 'active' : 'invited',
      invitationExpiresAt: r.invitation_expires_at,
      createdAt: r.created_at,
      disabledAt: r.disabled_at,
    })),
  };
}
