/**
 * Standard Webhooks' retry schedule: the first attempt at once, then after 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 14 h, 20 h and 24 h; ten attempts in all, over about three days.
 */
export const retryDelaysMs = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 14 * 3_600_000, 20 * 3_600_000, 24 * 3_600_000];
export const maxAttempts = retryDelaysMs.length + 1;
const maxRetryAfterMs = 24 * 3_600_000;

/**
 * When to try again after failed attempt number `attempt` (1-based), or null when that was the
 * last. Up to 10 % jitter spreads a burst of failures; a receiver's Retry-After, when later,
 * wins (capped at a day).
 */
export function nextAttemptDelay(attempt: number, retryAfterMs: number | null, random: () => number = Math.random): number | null {
  const base = retryDelaysMs[attempt - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 + 0.1 * random()));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, maxRetryAfterMs));
}

/** Retry-After as delta seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
