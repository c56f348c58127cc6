import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../keys/keyring.ts';

/**
 * One-time codes that turn a notice link into an account: mailed to the notice's address,
 * valid 15 minutes, 5 wrong entries lock the claim, at most 5 codes a day per address and
 * notice. Only an HMAC of the claim's id and the code is stored, keyed with a key kept outside
 * the database: a six-digit code's hash alone could be reversed by trying them all.
 */
export const claimCodeLifetimeMs = 15 * 60_000;
export const claimCodeTries = 5;
export const claimCodesPerDay = 5;

export function newClaimCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function hashClaimCode(keys: Keyring, claimId: string, code: string): string {
  return keys.mac('one-time-code', `${claimId}\n${code}`).mac;
}

export function claimCodeMatches(keys: Keyring, claimId: string, code: string, stored: string): boolean {
  const given = Buffer.from(hashClaimCode(keys, claimId, code.replace(/\s+/g, '')), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
