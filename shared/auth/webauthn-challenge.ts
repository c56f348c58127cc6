import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import { AppError } from '../errors.ts';

/** The relying party: our host name and the exact origin browsers will report. */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

const challengeLifetimeMs = 5 * 60_000;

export type ChallengePurpose = 'registration' | 'authentication' | 'signature';

export async function storeChallenge(
  tx: Tx,
  clock: Clock,
  input: { challenge: string; purpose: ChallengePurpose; userId: string | null; boundTo?: string },
): Promise<string> {
  const id = newId('chl');
  const now = clock.now();
  // Expired challenges of anyone are swept here, so the table never grows unbounded.
  await tx.run('DELETE FROM webauthn_challenges WHERE expires_at < ?', [now.toISOString()]);
  await tx.run(
    'INSERT INTO webauthn_challenges (id, challenge, purpose, user_id, bound_to, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [id, input.challenge, input.purpose, input.userId, input.boundTo ?? null, now.toISOString(), new Date(now.getTime() + challengeLifetimeMs).toISOString()],
  );
  return id;
}

/** Takes a challenge out (single use) and returns it, or refuses when unknown or expired. */
export async function consumeChallenge(
  tx: Tx,
  clock: Clock,
  input: { id: string; purpose: ChallengePurpose; userId: string | null; boundTo?: string },
): Promise<string> {
  const row = await tx.get<{ challenge: string; expires_at: string; bound_to: string | null }>(
    'SELECT challenge, expires_at, bound_to FROM webauthn_challenges WHERE id = ? AND purpose = ? AND user_id IS ?',
    [input.id, input.purpose, input.userId],
  );
  if (!row) throw new AppError('challenge_expired', 'this passkey request is unknown or was already used; start again');
  if ((row.bound_to ?? undefined) !== input.boundTo) {
    throw new AppError('challenge_expired', 'the record changed since this signature was started; review it again and sign anew');
  }
  await tx.run('DELETE FROM webauthn_challenges WHERE id = ?', [input.id]);
  if (new Date(row.expires_at).getTime() <= clock.now().getTime()) {
    throw new AppError('challenge_expired', 'this passkey request expired; start again');
  }
  return row.challenge;
}
