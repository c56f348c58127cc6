import type { UseCaseContext } from '../context.ts';
import type { Actor, OrganisationKind, Role } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import { AppError } from '../errors.ts';

export interface OrganisationView {
  id: string;
  name: string;
  kind: OrganisationKind;
  members: { id: string; email: string; displayName: string; role: Role }[];
}

/** The caller's organisation with its members; any other organisation is not found. */
export async function getOrganisation(ctx: UseCaseContext, actor: Actor, organisationId: string): Promise<OrganisationView> {
  const scope = ownedBy(actor, 'id');
  const org = await ctx.db.get<{ id: string; name: string; kind: OrganisationKind }>(
    `SELECT id, name, kind FROM organisations WHERE id = ? AND ${scope.sql}`,
    [organisationId, ...scope.args],
  );
  if (!org) throw new AppError('not_found', 'no such organisation');
  const members = await ctx.db.all<{ id: string; email: string; display_name: string; role: Role }>(
    `SELECT u.id, u.email, u.display_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organisation_id = ? ORDER BY u.display_name`,
    [org.id],
  );
  return { ...org, members: members.map((m) => ({ id: m.id, email: m.email, displayName: m.display_name, role: m.role })) };
}
