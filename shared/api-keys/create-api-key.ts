import type { UseCaseContext } from '../context.ts';
import { asAuditActor, rolesByKind, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { administeredScope } from '../users/user-admin.ts';
import { maxNameLength } from '../users/limits.ts';
import { isApiScope, scopesForKind, type ApiScope } from './scopes.ts';
import { hashApiKeySecret, newApiKeyToken } from './api-key-token.ts';

export const defaultApiKeyDays = 90;
export const maxApiKeyDays = 365;
/** Keys in use (neither revoked nor expired) an organisation may hold: each is a door to audit and to rotate. */
export const maxActiveApiKeys = 25;

export interface NewApiKey {
  name: string;
  scopes: readonly string[];
  /** Days until the key stops working: 1 to 365, 90 when not given. */
  expiresInDays?: number;
}

export interface CreatedApiKey {
  id: string;
  /** `lbk_<id>_<secret>`: shown this once, never stored, never audited. */
  token: string;
  name: string;
  scopes: ApiScope[];
  expiresAt: string;
  /** The key's technical user, under whom its calls are audited. */
  userId: string;
}

/**
 * An administrator of a supplier or distributor organisation creates an API key for it: a
 * technical user of its own (users.kind = 'api_key', no password, so it never signs in) with the
 * organisation's base role, and the key narrowed to some of the scopes the organisation's kind
 * may use. Only SHA-256 of the secret is kept; the token is returned once. The portal confirms
 * the administrator's identity before it calls this (the use case takes no credential).
 */
export async function createApiKey(ctx: UseCaseContext, actor: Actor, input: NewApiKey): Promise<CreatedApiKey> {
  const scope = await administeredScope(ctx.db, actor);
  const allowed = scopesForKind(actor.organisationKind);
  // A manufacturer works through the portal and EDI; an operator's everyOrganisation scope does not reach other organisations' keys.
  if (!allowed.length || scope.everyOrganisation) throw new AppError('forbidden', 'API keys are for supplier and distributor organisations, created by their own administrator');

  const name = input.name.trim();
  const days = input.expiresInDays ?? defaultApiKeyDays;
  const problems: Problems = {};
  if (!name) problems.name = problem('common.required');
  else if (name.length > maxNameLength) problems.name = problem('common.tooLong', { max: maxNameLength });
  const refused = input.scopes.find((s) => !isApiScope(s) || !allowed.includes(s));
  if (!input.scopes.length) problems.scopes = problem('api.noScopes');
  else if (refused) problems.scopes = problem('api.scopeNotAllowed', { scope: refused, allowed: allowed.join(', ') });
  if (!Number.isInteger(days) || days < 1 || days > maxApiKeyDays) problems.expiresInDays = problem('api.badExpiry', { max: maxApiKeyDays });
  if (Object.keys(problems).length) throw refusal('invalid_input', 'the API key is not valid', problems);

  const scopes = [...new Set(input.scopes as ApiScope[])].sort();
  const { id, secret, token } = newApiKeyToken();
  const userId = `usr_${id}`;
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + days * 86_400_000).toISOString();
  const role = rolesByKind[actor.organisationKind][0]!;
  await ctx.db.transaction(async (tx) => {
    // Counted under the write lock: two administrators creating the last key at once cannot both pass.
    const active = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM api_keys WHERE organisation_id = ? AND revoked_at IS NULL AND expires_at > ?', [actor.organisationId, now.toISOString()]);
    if (active!.n >= maxActiveApiKeys) {
      throw refusal('conflict', `the organisation already holds ${maxActiveApiKeys} keys in use`, { name: problem('api.tooManyKeys', { max: maxActiveApiKeys }) });
    }
    await tx.run("INSERT INTO users (id, email, display_name, password_hash, kind, created_at) VALUES (?, ?, ?, NULL, 'api_key', ?)", [
      userId,
      `${id}@api-keys.invalid`,
      `${name} (API key)`,
      now.toISOString(),
    ]);
    await tx.run('INSERT INTO memberships (user_id, organisation_id, role, administers, created_at) VALUES (?, ?, ?, 0, ?)', [userId, actor.organisationId, role, now.toISOString()]);
    await tx.run(
      `INSERT INTO api_keys (id, organisation_id, user_id, name, secret_hash, scopes, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, actor.organisationId, userId, name, hashApiKeySecret(secret), JSON.stringify(scopes), actor.userId, now.toISOString(), expiresAt],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'api_key.created',
      entityType: 'api_key',
      entityId: id,
      newValues: { name, scopes, expiresAt, userId, role },
      requestId: ctx.requestId,
    });
  });
  return { id, token, name, scopes, expiresAt, userId };
}
