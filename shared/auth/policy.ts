/** Part 11 §11.300 settings, filled from configuration. */
export interface SecurityPolicy {
  /** Sign out after this long without a request (default 15 minutes). */
  inactivityMs: number;
  /** Sign out after this long whatever the activity (default 12 hours). */
  sessionMaxMs: number;
  /** Consecutive failed sign-ins before the account is locked (default 5). */
  lockoutThreshold: number;
  /** How long a lock lasts (default 15 minutes). */
  lockoutMs: number;
}

export const defaultPolicy: SecurityPolicy = {
  inactivityMs: 15 * 60_000,
  sessionMaxMs: 12 * 3_600_000,
  lockoutThreshold: 5,
  lockoutMs: 15 * 60_000,
};
