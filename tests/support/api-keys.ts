// API keys for tests, made through the same use case the portal calls (createApiKey). Apart from
// tests/support/api.ts (whose client needs Node) so the Workers tier can use it too.
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor, OrganisationKind } from '../../shared/auth/actor.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { createApiKey, type CreatedApiKey } from '../../shared/api-keys/create-api-key.ts';
import { scopesForKind, type ApiScope } from '../../shared/api-keys/scopes.ts';
import { randomBase32 } from '../../shared/ids.ts';

/**
 * The administrator a test key is created by: one added per organisation on first use (the demo's
 * supplier and distributor users do not administer their organisations).
 */
async function keyAdministrator(ctx: UseCaseContext, organisationId: string): Promise<Actor> {
  const org = await ctx.db.get<{ name: string; kind: OrganisationKind; time_zone: string }>('SELECT name, kind, time_zone FROM organisations WHERE id = ?', [organisationId]);
  if (!org) throw new Error(`no organisation ${organisationId}`);
  const email = `api-admin-${organisationId.replace(/_/g, '-')}@keys.example`;
  let user = await ctx.db.get<{ id: string }>('SELECT id FROM users WHERE email = ?', [email]);
  const role = org.kind === 'supplier' ? 'supplier_user' : org.kind === 'distributor' ? 'distributor_user' : 'manufacturer_admin';
  if (!user) user = await addUser(ctx, { type: 'system', name: 'tests' }, { email, displayName: 'Key Administrator', password: 'key-admin-password', organisationId, role, administers: true });
  return { userId: user.id, email, displayName: 'Key Administrator', organisationId, organisationName: org.name, organisationKind: org.kind, organisationTimeZone: org.time_zone, role };
}

/**
 * An API key of the organisation of `memberEmail` (e.g. the demo supplier's), created through
 * createApiKey by an administrator of that organisation; by default with every scope its kind may hold.
 */
export async function createTestApiKey(
  ctx: UseCaseContext,
  memberEmail: string,
  options: { scopes?: ApiScope[]; name?: string; expiresInDays?: number } = {},
): Promise<CreatedApiKey> {
  const member = await ctx.db.get<{ organisation_id: string; kind: OrganisationKind }>(
    'SELECT m.organisation_id, o.kind FROM users u JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.organisation_id WHERE u.email = ?',
    [memberEmail],
  );
  if (!member) throw new Error(`no user ${memberEmail}`);
  const admin = await keyAdministrator(ctx, member.organisation_id);
  return createApiKey(ctx, admin, { name: options.name ?? `test key ${randomBase32(4)}`, scopes: options.scopes ?? [...scopesForKind(member.kind)], expiresInDays: options.expiresInDays });
}
