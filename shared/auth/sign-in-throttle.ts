import { createHash } from 'node:crypto';
import type { Db, Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { SecurityPolicy } from './policy.ts';

/**
 * Failed sign-ins counted where they come from, beside the Part 11 account lockout
 * (count-failed-credential.ts):
 * - per source (a client address, see client-source.ts), over every address typed: a source
 *   with `perSource` failures within the lockout period is answered "too many attempts from
 *   your network" until the period has passed, whatever it tries;
 * - per (typed address, source), for addresses with and without an account alike: at the
 *   lockout threshold that address is refused from that source for the lockout period.
 * Neither says anything about whether an account exists, and neither slows down anyone
 * elsewhere. Keys are SHA-256 hashes: no typed address or client address is kept in clear.
 */
export interface ThrottleState {
  sourceBlockedUntil: string | null;
  addressBlockedUntil: string | null;
}

/** The source of callers that name none (the CLI, use-case tests). */
export const unspecifiedSource = 'unspecified';

/** A source may fail this many times (over all addresses) per lockout period. */
export function perSourceLimit(policy: SecurityPolicy): number {
  return 4 * policy.lockoutThreshold;
}

/** How long a source counts as one the user signs in from (the account lock does not apply there). */
export const knownSourceMs = 90 * 86_400_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const addressHash = (email: string) => sha256(`lotbridge/sign-in/address:${email.trim().toLowerCase()}`);
export const sourceHash = (source: string) => sha256(`lotbridge/sign-in/source:${source}`);

interface Row {
  failures: number;
  first_failed_at: string;
  blocked_until: string | null;
}

const blockedAt = (row: Row | undefined, now: Date) => (row?.blocked_until && new Date(row.blocked_until).getTime() > now.getTime() ? row.blocked_until : null);

function keys(input: { email: string; source: string }) {
  return {
    source: ['source', '', sourceHash(input.source)] as const,
    address: ['address', addressHash(input.email), sourceHash(input.source)] as const,
  };
}

export async function readThrottle(db: Db | Tx, clock: Clock, input: { email: string; source: string }): Promise<ThrottleState> {
  const k = keys(input);
  const select = 'SELECT failures, first_failed_at, blocked_until FROM sign_in_throttle WHERE scope = ? AND address_hash = ? AND source_hash = ?';
  const now = clock.now();
  return {
    sourceBlockedUntil: blockedAt(await db.get<Row>(select, [...k.source]), now),
    addressBlockedUntil: blockedAt(await db.get<Row>(select, [...k.address]), now),
  };
}

/** One more failure from this source for this address (inside the caller's write transaction). */
export async function countThrottledFailure(tx: Tx, clock: Clock, policy: SecurityPolicy, input: { email: string; source: string }): Promise<ThrottleState> {
  const now = clock.now();
  const nowIso = now.toISOString();
  // Rows whose window and block have both passed count for nothing: swept here, so the table stays small.
  await tx.run('DELETE FROM sign_in_throttle WHERE first_failed_at < ? AND (blocked_until IS NULL OR blocked_until < ?)', [
    new Date(now.getTime() - policy.lockoutMs).toISOString(),
    nowIso,
  ]);
  const k = keys(input);
  const bump = async (key: readonly [string, string, string], limit: number): Promise<string | null> => {
    const row = await tx.get<Row>('SELECT failures, first_failed_at, blocked_until FROM sign_in_throttle WHERE scope = ? AND address_hash = ? AND source_hash = ?', [...key]);
    const stillBlocked = blockedAt(row, now);
    if (stillBlocked) return stillBlocked;
    // A window that ran out, or a block that ended, starts a new count.
    const fresh = !row || row.blocked_until !== null || new Date(row.first_failed_at).getTime() + policy.lockoutMs <= now.getTime();
    const failures = fresh ? 1 : row.failures + 1;
    const blockedUntil = failures >= limit ? new Date(now.getTime() + policy.lockoutMs).toISOString() : null;
    await tx.run(
      `INSERT INTO sign_in_throttle (scope, address_hash, source_hash, failures, first_failed_at, blocked_until) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, address_hash, source_hash) DO UPDATE SET failures = excluded.failures, first_failed_at = excluded.first_failed_at, blocked_until = excluded.blocked_until`,
      [...key, failures, fresh ? nowIso : row.first_failed_at, blockedUntil],
    );
    return blockedUntil;
  };
  return {
    sourceBlockedUntil: await bump(k.source, perSourceLimit(policy)),
    addressBlockedUntil: await bump(k.address, policy.lockoutThreshold),
  };
}

/** A successful sign-in ends the count of that address from that source (the source's own count stays). */
export async function clearAddressThrottle(tx: Tx, input: { email: string; source: string }): Promise<void> {
  const k = keys(input);
  await tx.run('DELETE FROM sign_in_throttle WHERE scope = ? AND address_hash = ? AND source_hash = ?', [...k.address]);
}

/** An administrator's unlock ends every count of that address, from every source. */
export async function clearAllAddressThrottles(tx: Tx, email: string): Promise<number> {
  const { changes } = await tx.run("DELETE FROM sign_in_throttle WHERE scope = 'address' AND address_hash = ?", [addressHash(email)]);
  return changes;
}

/** Whether the user signed in successfully from this source within the last 90 days. */
export async function isKnownSource(db: Db | Tx, clock: Clock, userId: string, source: string): Promise<boolean> {
  const since = new Date(clock.now().getTime() - knownSourceMs).toISOString();
  return !!(await db.get('SELECT 1 AS known FROM sign_in_sources WHERE user_id = ? AND source_hash = ? AND last_signed_in_at >= ?', [userId, sourceHash(source), since]));
}

export async function rememberSource(tx: Tx, clock: Clock, userId: string, source: string): Promise<void> {
  await tx.run(
    `INSERT INTO sign_in_sources (user_id, source_hash, last_signed_in_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id, source_hash) DO UPDATE SET last_signed_in_at = excluded.last_signed_in_at`,
    [userId, sourceHash(source), clock.now().toISOString()],
  );
}
