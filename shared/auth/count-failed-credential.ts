import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { SecurityPolicy } from './policy.ts';
import { recordAudit } from '../audit/record-audit.ts';

/**
 * One wrong credential (a sign-in or a signature's re-authentication), counted inside the
 * caller's write transaction so attempts sent at the same moment each count. Locks the account
 * at the policy's threshold (21 CFR 11.300(d)) and audits both. Returns the lock's end, if locked.
 */
export async function countFailedCredential(
  tx: Tx,
  clock: Clock,
  policy: SecurityPolicy,
  user: { id: string; display_name: string; organisation_id: string },
  method: 'password' | 'passkey' | 'signature-password' | 'confirm-password' | 'confirm-passkey',
  requestId?: string,
  detail: { reason?: string; credentialId?: string } = {},
): Promise<string | null> {
  const now = clock.now();
  const current = await tx.get<{ failed_attempts: number; locked_until: string | null }>('SELECT failed_attempts, locked_until FROM users WHERE id = ?', [user.id]);
  const alreadyLocked = !!current?.locked_until && new Date(current.locked_until).getTime() > now.getTime();
  const attempts = (current?.failed_attempts ?? 0) + 1;
  const locks = !alreadyLocked && attempts >= policy.lockoutThreshold;
  const lockedUntil = locks ? new Date(now.getTime() + policy.lockoutMs).toISOString() : alreadyLocked ? current!.locked_until : null;
  await tx.run('UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?', [locks ? 0 : attempts, lockedUntil, user.id]);
  await recordAudit(tx, clock, {
    actor: { type: 'user', id: user.id, name: user.display_name },
    organisationId: user.organisation_id,
    action: 'auth.sign_in_failed',
    entityType: 'user',
    entityId: user.id,
    newValues: { method, consecutiveFailures: attempts, credentialId: detail.credentialId },
    reason: detail.reason,
    requestId,
  });
  if (locks) {
    await recordAudit(tx, clock, {
      actor: { type: 'system', name: 'Lotbridge' },
      organisationId: user.organisation_id,
      action: 'auth.account_locked',
      entityType: 'user',
      entityId: user.id,
      oldValues: { lockedUntil: null },
      newValues: { lockedUntil },
      reason: `${attempts} consecutive failed sign-ins`,
      requestId,
    });
  }
  return lockedUntil;
}
