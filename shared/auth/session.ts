import { createHash } from 'node:crypto';
import type { Db, Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { SecurityPolicy } from './policy.ts';
import { actorOf, type Actor, type OrganisationKind, type Role } from './actor.ts';
import { randomBase32 } from '../ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { administersBy } from '../users/user-admin.ts';

/**
 * Sessions as Lucia's current guide lays them out: the cookie carries "<id>.<secret>", the
 * database only SHA-256(secret), compared in constant time. Expiry slides with activity
 * (inactivity timeout) under an absolute ceiling.
 */
export const sessionCookieName = 'lotbridge_session';

/**
 * last_active_at is written at most this often, so reading pages is not a write each time;
 * a tenth of the timeout keeps a short timeout (1 minute) sliding as well.
 */
function activityWriteIntervalMs(policy: SecurityPolicy): number {
  return Math.min(60_000, policy.inactivityMs / 10);
}

export interface Session {
  id: string;
  userId: string;
  organisationId: string;
  authMethod: 'password' | 'passkey';
  createdAt: Date;
  lastActiveAt: Date;
  expiresAt: Date;
}

export interface ValidatedSession {
  session: Session;
  actor: Actor;
  /** Whether the actor manages users (`administersUsers`), read with the session in the same query. */
  administersUsers: boolean;
}

export function generateSessionToken(): { id: string; secret: string; token: string } {
  const id = randomBase32(15);
  const secret = randomBase32(20);
  return { id, secret, token: `${id}.${secret}` };
}

/** Synchronous (node:crypto, also on Workers with nodejs_compat): Web Crypto's digest costs a thread-pool round trip on every request. */
function hashSecret(secret: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(secret).digest());
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Creates the session inside the caller's transaction (sign-in audits in the same one). */
export async function createSession(
  tx: Tx,
  clock: Clock,
  policy: SecurityPolicy,
  input: { userId: string; organisationId: string; authMethod: Session['authMethod'] },
): Promise<{ token: string; session: Session }> {
  const { id, secret, token } = generateSessionToken();
  const now = clock.now();
  const session: Session = {
    id,
    userId: input.userId,
    organisationId: input.organisationId,
    authMethod: input.authMethod,
    createdAt: now,
    lastActiveAt: now,
    expiresAt: new Date(now.getTime() + policy.sessionMaxMs),
  };
  await tx.run(
    `INSERT INTO sessions (id, secret_hash, user_id, organisation_id, auth_method, created_at, last_active_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, hashSecret(secret), input.userId, input.organisationId, input.authMethod, now.toISOString(), now.toISOString(), session.expiresAt.toISOString()],
  );
  return { token, session };
}

interface SessionRow {
  id: string;
  secret_hash: ArrayBuffer;
  user_id: string;
  organisation_id: string;
  auth_method: Session['authMethod'];
  created_at: string;
  last_active_at: string;
  expires_at: string;
  email: string;
  display_name: string;
  disabled_at: string | null;
  organisation_name: string;
  organisation_kind: OrganisationKind;
  organisation_time_zone: string;
  role: Role | null;
  administers: number | null;
}

/**
 * Returns the session and its actor, or null when the token is malformed, unknown, forged,
 * timed out, past its ceiling, or its user was disabled or lost the membership. A timed-out
 * session is deleted and the timeout audited (21 CFR 11.300 inactivity logout).
 */
export async function validateSessionToken(
  db: Db,
  clock: Clock,
  policy: SecurityPolicy,
  token: string,
): Promise<ValidatedSession | null> {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const [id, secret] = parts as [string, string];
  const row = await db.get<SessionRow>(
    `SELECT s.*, u.email, u.display_name, u.disabled_at, o.name AS organisation_name, o.kind AS organisation_kind, o.time_zone AS organisation_time_zone, m.role, m.administers
       FROM sessions s
       JOIN users u ON u.id = s.user_id
       JOIN organisations o ON o.id = s.organisation_id
       LEFT JOIN memberships m ON m.user_id = s.user_id AND m.organisation_id = s.organisation_id
      WHERE s.id = ?`,
    [id],
  );
  if (!row) return null;
  if (!constantTimeEqual(new Uint8Array(row.secret_hash), hashSecret(secret))) return null;

  const now = clock.now();
  const lastActive = new Date(row.last_active_at);
  const timedOut = now.getTime() - lastActive.getTime() >= policy.inactivityMs;
  const pastCeiling = now.getTime() >= new Date(row.expires_at).getTime();
  if (timedOut || pastCeiling || row.disabled_at || !row.role) {
    await db.transaction(async (tx) => {
      const { changes } = await tx.run('DELETE FROM sessions WHERE id = ?', [id]);
      if (changes === 0) return; // another request ended it first
      await recordAudit(tx, clock, {
        actor: { type: 'system', name: 'Lotbridge' },
        organisationId: row.organisation_id,
        action: 'auth.session_ended',
        entityType: 'user',
        entityId: row.user_id,
        reason: timedOut ? 'inactivity timeout' : pastCeiling ? 'session lifetime reached' : 'user disabled or no longer a member',
      });
    });
    return null;
  }

  if (now.getTime() - lastActive.getTime() >= activityWriteIntervalMs(policy)) {
    await db.run('UPDATE sessions SET last_active_at = ? WHERE id = ?', [now.toISOString(), id]);
  }
  const session: Session = {
    id: row.id,
    userId: row.user_id,
    organisationId: row.organisation_id,
    authMethod: row.auth_method,
    createdAt: new Date(row.created_at),
    lastActiveAt: now,
    expiresAt: new Date(row.expires_at),
  };
  const actor = actorOf({ ...row, role: row.role });
  return { session, actor, administersUsers: administersBy(row.role, row.administers) };
}

/** When the browser cookie should lapse: the earlier of inactivity and the ceiling. */
export function cookieExpiry(session: Session, policy: SecurityPolicy): Date {
  return new Date(Math.min(session.lastActiveAt.getTime() + policy.inactivityMs, session.expiresAt.getTime()));
}
