import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * One-time codes that turn a notice link into an account: mailed to the notice's address,
 * valid 15 minutes, 5 wrong entries lock the claim, at most 5 codes a day per address and
 * notice. Only an HMAC of the code (keyed by the claim's id) is stored.
 */
export const claimCodeLifetimeMs = 15 * 60_000;
export const claimCodeTries = 5;
export const claimCodesPerDay = 5;

export function newClaimCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function hashClaimCode(claimId: string, code: string): string {
  return createHmac('sha256', claimId).update(code).digest('hex');
}

export function claimCodeMatches(claimId: string, code: string, stored: string): boolean {
  const given = Buffer.from(hashClaimCode(claimId, code.replace(/\s+/g, '')), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
