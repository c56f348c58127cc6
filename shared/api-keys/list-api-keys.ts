import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { SystemActor } from '../auth/operator.ts';
import { apiKeyState, requireKeyAdministrator, type ApiKeyState } from './key-administration.ts';
import { apiResources, scopesForKind, type ApiResource, type ApiScope } from './scopes.ts';

export interface ApiKeySummary {
  id: string;
  name: string;
  scopes: ApiScope[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  state: ApiKeyState;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface ApiKeyList {
  keys: ApiKeySummary[];
  /** The resources the organisation's kind can give keys scopes on. */
  resources: readonly ApiResource[];
  /** The scopes a new key may be given (a read-only resource offers no write). */
  scopes: readonly ApiScope[];
  permissions: { create: boolean; revoke: boolean };
}

/**
 * The API keys of the caller's organisation, newest first, for its administrators: who made
 * each, its scopes, expiry, last use and state. Never the secret's hash.
 */
export async function listApiKeys(ctx: UseCaseContext, actor: Actor): Promise<ApiKeyList> {
  await requireKeyAdministrator(ctx.db, actor);
  const rows = await ctx.db.all<{
    id: string;
    name: string;
    scopes: string;
    created_by: string | null;
    created_at: string;
    expires_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
    revoked_by: string | null;
  }>(
    `SELECT k.id, k.name, k.scopes, c.display_name AS created_by, k.created_at, k.expires_at, k.last_used_at, k.revoked_at, r.display_name AS revoked_by
       FROM api_keys k LEFT JOIN users c ON c.id = k.created_by LEFT JOIN users r ON r.id = k.revoked_by
      WHERE k.organisation_id = ?
      ORDER BY k.created_at DESC, k.id`,
    [actor.organisationId],
  );
  const now = ctx.clock.now();
  const keys = rows.map((r) => ({
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as ApiScope[],
    createdBy: r.created_by ?? '',
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    state: apiKeyState(r, now),
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
  }));
  const allowed = scopesForKind(actor.organisationKind);
  const resources = apiResources.filter((r) => allowed.includes(`${r}:read`));
  return { keys, resources, scopes: allowed, permissions: { create: allowed.length > 0, revoke: true } };
}

/**
 * Every organisation's API keys (or one organisation's), for the operator at the command line
 * (`lotbridge api-keys list`): enough to find a leaked key by its id, name or last use.
 */
export async function listApiKeysForOperator(
  ctx: UseCaseContext,
  _operator: SystemActor,
  input: { organisationId?: string } = {},
): Promise<{ id: string; organisation: string; name: string; scopes: ApiScope[]; state: ApiKeyState; expiresAt: string; lastUsedAt: string | null }[]> {
  const rows = await ctx.db.all<{ id: string; organisation: string; name: string; scopes: string; expires_at: string; last_used_at: string | null; revoked_at: string | null }>(
    `SELECT k.id, o.name AS organisation, k.name, k.scopes, k.expires_at, k.last_used_at, k.revoked_at
       FROM api_keys k JOIN organisations o ON o.id = k.organisation_id
      WHERE ? IS NULL OR k.organisation_id = ?
      ORDER BY o.name, k.created_at, k.id`,
    [input.organisationId ?? null, input.organisationId ?? null],
  );
  const now = ctx.clock.now();
  return rows.map((r) => ({ id: r.id, organisation: r.organisation, name: r.name, scopes: JSON.parse(r.scopes) as ApiScope[], state: apiKeyState(r, now), expiresAt: r.expires_at, lastUsedAt: r.last_used_at }));
}
