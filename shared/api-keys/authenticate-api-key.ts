import type { UseCaseContext } from '../context.ts';
import { actorOf, type Actor, type OrganisationKind, type Role } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { isApiScope, type ApiScope } from './scopes.ts';
import { constantTimeEqual, hashApiKeySecret, parseApiKeyToken } from './api-key-token.ts';

/** Who is calling the REST API: the key's technical user, in the key's organisation. */
export interface ApiCaller {
  actor: Actor;
  apiKeyId: string;
  scopes: readonly ApiScope[];
  /** The name its administrator gave the key. */
  keyName: string;
  expiresAt: string;
}

/** last_used_at is written at most this often, so reading is not a write each call. */
export const lastUsedWriteIntervalMs = 60_000;

interface KeyRow {
  id: string;
  secret_hash: ArrayBuffer;
  name: string;
  scopes: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  user_id: string;
  email: string;
  display_name: string;
  disabled_at: string | null;
  organisation_id: string;
  organisation_name: string;
  organisation_kind: OrganisationKind;
  organisation_time_zone: string | null;
  role: Role | null;
}

// Compared against when the id is unknown, so an unknown id costs what a wrong secret does.
const nobody = hashApiKeySecret('');

/** One answer for every reason a token does not authenticate: the caller learns nothing about which. */
const unauthenticated = () => new AppError('unauthenticated', 'the API key is missing, unknown, revoked or expired');

/**
 * A Bearer token to its caller, or AppError 'unauthenticated' when the token is malformed,
 * unknown, forged, revoked, expired, or its technical user is disabled or lost its membership.
 */
export async function authenticateApiKey(ctx: UseCaseContext, token: string): Promise<ApiCaller> {
  const parsed = parseApiKeyToken(token);
  if (!parsed) throw unauthenticated();
  const row = await ctx.db.get<KeyRow>(
    `SELECT k.id, k.secret_hash, k.name, k.scopes, k.expires_at, k.last_used_at, k.revoked_at,
            u.id AS user_id, u.email, u.display_name, u.disabled_at,
            o.id AS organisation_id, o.name AS organisation_name, o.kind AS organisation_kind, o.time_zone AS organisation_time_zone, m.role
       FROM api_keys k
       JOIN users u ON u.id = k.user_id AND u.kind = 'api_key'
       JOIN organisations o ON o.id = k.organisation_id
       LEFT JOIN memberships m ON m.user_id = k.user_id AND m.organisation_id = k.organisation_id
      WHERE k.id = ?`,
    [parsed.id],
  );
  const matches = constantTimeEqual(row ? new Uint8Array(row.secret_hash) : nobody, hashApiKeySecret(parsed.secret));
  if (!row || !matches) throw unauthenticated();
  const now = ctx.clock.now();
  if (row.revoked_at || now.getTime() >= Date.parse(row.expires_at) || row.disabled_at || !row.role) throw unauthenticated();

  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= lastUsedWriteIntervalMs) {
    await ctx.db.run('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [now.toISOString(), row.id]);
  }
  const scopes = (JSON.parse(row.scopes) as unknown[]).filter(isApiScope);
  return {
    actor: actorOf({ ...row, role: row.role }),
    apiKeyId: row.id,
    scopes,
    keyName: row.name,
    expiresAt: row.expires_at,
  };
}
