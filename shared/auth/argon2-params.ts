/**
 * OWASP's argon2id baseline, the same on every runtime: 19 MiB, 2 passes, 1 lane, a 16-byte
 * salt and a 32-byte hash, written as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`)
 * that either implementation verifies.
 */
export const argon2idParams = { memoryKiB: 19456, passes: 2, lanes: 1, saltBytes: 16, hashBytes: 32 } as const;

/** What each runtime's argon2id offers (`#runtime/password-hash` in package.json picks one). */
export interface PasswordHashing {
  /** A PHC string of `password` with a fresh random salt. */
  hashPassword(password: string): Promise<string>;
  /** Whether `password` matches the PHC string; false (never a throw) for a malformed one. */
  verifyPasswordHash(phc: string, password: string): Promise<boolean>;
}
