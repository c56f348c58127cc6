// Callers of /api/v1 that must be turned away whatever they ask: a key revoked by its
// organisation, one past its expiry (each with every scope its organisation may give), and none.
import type { UseCaseContext } from '../../shared/context.ts';
import type { ApiScope } from '../../shared/api-keys/scopes.ts';
import { ApiClient, createTestApiKey } from './api.ts';

export async function refusedClients(ctx: UseCaseContext, baseUrl: string, memberEmail: string, scopes?: ApiScope[]): Promise<Record<'revoked' | 'expired' | 'none', ApiClient>> {
  const revoked = await createTestApiKey(ctx, memberEmail, { scopes });
  await ctx.db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', [new Date().toISOString(), revoked.id]);
  const expired = await createTestApiKey(ctx, memberEmail, { scopes });
  await ctx.db.run('UPDATE api_keys SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000).toISOString(), expired.id]);
  return { revoked: new ApiClient(baseUrl, revoked.token), expired: new ApiClient(baseUrl, expired.token), none: new ApiClient(baseUrl) };
}
