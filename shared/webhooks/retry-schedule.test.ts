import { describe, expect, it } from 'vitest';
import { maxAttempts, nextAttemptDelay, parseRetryAfter } from './retry-schedule.ts';

describe('retry schedule', () => {
  it('follows the Standard Webhooks schedule, ten attempts in all [REQ-WH-03]', () => {
    const noJitter = () => 0;
    const delays = Array.from({ length: maxAttempts }, (_, i) => nextAttemptDelay(i + 1, null, noJitter));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000, null]);
  });

  it('adds at most 10 % jitter', () => {
    expect(nextAttemptDelay(2, null, () => 0.999)).toBe(Math.round(300_000 * 1.0999));
  });

  it('honours a later Retry-After, capped at a day, and ignores an earlier one', () => {
    expect(nextAttemptDelay(1, 60_000, () => 0)).toBe(60_000);
    expect(nextAttemptDelay(2, 1_000, () => 0)).toBe(300_000);
    expect(nextAttemptDelay(1, 10 * 86_400_000, () => 0)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
