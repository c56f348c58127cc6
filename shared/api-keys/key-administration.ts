import type { Db, Tx } from '../db/index.ts';
import type { Actor, OrganisationKind } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { administersBy } from '../users/user-admin.ts';
import type { ApiResource } from './scopes.ts';

/**
 * The resources an organisation of each kind can reach through the API (the checkboxes its
 * administrator is offered): a supplier submits lots, certificates and invoices and reads its
 * orders; a distributor answers recalls. The manufacturer works in the portal and over EDI.
 */
export const apiResourcesByKind: Record<OrganisationKind, readonly ApiResource[]> = {
  manufacturer: [],
  supplier: ['lots', 'certificates', 'invoices', 'orders', 'shipments', 'items', 'webhooks'],
  distributor: ['recalls', 'shipments', 'items', 'webhooks'],
};

/** Whether this organisation's administrators manage API keys at all. */
export function usesApiKeys(kind: OrganisationKind): boolean {
  return apiResourcesByKind[kind].length > 0;
}

/**
 * Only an administrator of the caller's own organisation manages its API keys (a key acts for
 * the organisation, with lasting power); anyone else is refused.
 */
export async function requireKeyAdministrator(db: Db | Tx, actor: Actor): Promise<void> {
  const row = await db.get<{ administers: number }>('SELECT administers FROM memberships WHERE user_id = ? AND organisation_id = ?', [actor.userId, actor.organisationId]);
  if (!administersBy(actor.role, row?.administers)) throw new AppError('forbidden', "only an administrator of the organisation manages its API keys");
}

export type ApiKeyState = 'active' | 'expired' | 'revoked';

/** Revoked wins over expired: an expired key that was revoked was revoked. */
export function apiKeyState(key: { revoked_at: string | null; expires_at: string }, now: Date): ApiKeyState {
  if (key.revoked_at) return 'revoked';
  return key.expires_at <= now.toISOString() ? 'expired' : 'active';
}
