import type { UseCaseContext } from '../context.ts';
import type { Actor, OrganisationKind, Role } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import { AppError } from '../errors.ts';

export interface OrganisationView {
  id: string;
  name: string;
  kind: OrganisationKind;
  members: { id: string; email: string; displayName: string; role: Role }[];
  /** Distributors only: who gets recall notices and escalations. */
  recallContacts?: { recallContactEmail: string | null; escalationContactEmail: string | null };
}

/** The caller's organisation with its members; any other organisation is not found. */
export async function getOrganisation(ctx: UseCaseContext, actor: Actor, organisationId: string): Promise<OrganisationView> {
  const scope = ownedBy(actor, 'id');
  const org = await ctx.db.get<{ id: string; name: string; kind: OrganisationKind; recall_contact_email: string | null; escalation_contact_email: string | null }>(
    `SELECT id, name, kind, recall_contact_email, escalation_contact_email FROM organisations WHERE id = ? AND ${scope.sql}`,
    [organisationId, ...scope.args],
  );
  if (!org) throw new AppError('not_found', 'no such organisation');
  const members = await ctx.db.all<{ id: string; email: string; display_name: string; role: Role }>(
    `SELECT u.id, u.email, u.display_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organisation_id = ? AND u.kind = 'person' ORDER BY u.display_name`,
    [org.id],
  );
  return {
    id: org.id,
    name: org.name,
    kind: org.kind,
    members: members.map((m) => ({ id: m.id, email: m.email, displayName: m.display_name, role: m.role })),
    ...(org.kind === 'distributor' ? { recallContacts: { recallContactEmail: org.recall_contact_email, escalationContactEmail: org.escalation_contact_email } } : {}),
  };
}
