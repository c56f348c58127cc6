import { createHash } from 'node:crypto';
import { randomBase32 } from '../ids.ts';

/** How long an invitation link works (72 hours): long enough for a weekend, short enough to lapse. */
export const invitationLifetimeMs = 72 * 3_600_000;

/** A fresh link token: 160 random bits; only its hash is kept. */
export function newInvitationToken(): string {
  return `inv_${randomBase32(20)}`;
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function invitationUrl(portalUrl: string, token: string): string {
  return `${portalUrl.replace(/\/$/, '')}/invite/${token}`;
}
