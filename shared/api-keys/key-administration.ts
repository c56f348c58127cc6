import type { Db, Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { administeredScope } from '../users/user-admin.ts';

/**
 * Only an administrator of the caller's own organisation manages its API keys (a key acts for
 * the organisation, with lasting power); a manufacturer admin's reach over every organisation's
 * users does not extend to their keys, and anyone else is refused.
 */
export async function requireKeyAdministrator(db: Db | Tx, actor: Actor): Promise<void> {
  const scope = await administeredScope(db, actor);
  if (scope.everyOrganisation) throw new AppError('forbidden', "only an administrator of the organisation manages its API keys");
}

export type ApiKeyState = 'active' | 'expired' | 'revoked';

/** Revoked wins over expired: an expired key that was revoked was revoked. */
export function apiKeyState(key: { revoked_at: string | null; expires_at: string }, now: Date): ApiKeyState {
  if (key.revoked_at) return 'revoked';
  return Date.parse(key.expires_at) <= now.getTime() ? 'expired' : 'active';
}
