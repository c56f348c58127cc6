// Rate limits per API key in fixed one-minute windows, counted in the database so the limit
// holds across instances and on Workers. Headers per draft-ietf-httpapi-ratelimit-headers.
import type { UseCaseContext } from '../../shared/context.ts';

export const rateWindowMs = 60_000;

export interface RateState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  exceeded: boolean;
}

/** Counts this request in the key's current window. */
export async function countRequest(ctx: UseCaseContext, apiKeyId: string, limit: number): Promise<RateState> {
  const now = ctx.clock.now().getTime();
  const start = Math.floor(now / rateWindowMs) * rateWindowMs;
  const windowStart = new Date(start).toISOString();
  const row = await ctx.db.transaction(async (tx) => {
    const counted = await tx.get<{ count: number }>(
      `INSERT INTO api_rate_windows (api_key_id, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (api_key_id, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
      [apiKeyId, windowStart],
    );
    // The first request of a window clears the key's earlier windows.
    if (counted!.count === 1) await tx.run('DELETE FROM api_rate_windows WHERE api_key_id = ? AND window_start < ?', [apiKeyId, windowStart]);
    return counted!;
  });
  const count = Number(row.count);
  return { limit, remaining: Math.max(0, limit - count), resetSeconds: Math.max(1, Math.ceil((start + rateWindowMs - now) / 1000)), exceeded: count > limit };
}

/** `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers-09, structured fields). */
export function rateLimitHeaders(state: RateState): Record<string, string> {
  return {
    'RateLimit-Policy': `"per-key";q=${state.limit};w=${rateWindowMs / 1000}`,
    RateLimit: `"per-key";r=${state.remaining};t=${state.resetSeconds}`,
  };
}
