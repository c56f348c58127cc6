import { generateAuthenticationOptions, type AuthenticationResponseJSON, type AuthenticatorTransportFuture, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from './actor.ts';
import { checkPasskeyAssertion } from './check-passkey-assertion.ts';
import { consumeChallenge, storeChallenge, type RelyingParty } from './webauthn-challenge.ts';
import { verifyPassword } from './password.ts';
import { findSignInUser, refuseUnusableAccount } from './find-sign-in-user.ts';
import { countFailedCredential } from './count-failed-credential.ts';
import { oneCredentialCheckAtATime } from './credential-lock.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { lockedRefusal } from './lock-refusals.ts';

/**
 * A fresh proof that the person at the keyboard is the account's owner, asked for in the very
 * step that changes the account's credentials (21 CFR 11.10(d), 11.300): a session alone, which
 * may have been stolen, is not enough. The current password, or an assertion of one of the
 * user's own passkeys with user verification over a challenge bound to this session.
 */
export type FreshCredential = { password: string } | { passkey: { challengeId: string; response: AuthenticationResponseJSON } };

export interface ConfirmedIdentity {
  method: 'password' | 'passkey';
  credentialId: string | null;
}

const boundTo = (sessionId: string) => `confirm-identity:${sessionId}`;

/** The challenge for confirming with an existing passkey: only the user's own, user verification required. */
export async function startIdentityConfirmation(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { sessionId: string },
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const credentials = await ctx.db.all<{ id: string; transports: string | null }>('SELECT id, transports FROM passkey_credentials WHERE user_id = ?', [actor.userId]);
  if (credentials.length === 0) throw refusal('invalid_input', 'you have no passkey yet: confirm with your password', { password: problem('common.required') });
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'required',
    allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports ? (JSON.parse(c.transports) as AuthenticatorTransportFuture[]) : undefined })),
  });
  const challengeId = await ctx.db.transaction((tx) =>
    storeChallenge(tx, ctx.clock, { challenge: options.challenge, purpose: 'authentication', userId: actor.userId, boundTo: boundTo(input.sessionId) }),
  );
  return { challengeId, options };
}

/**
 * Checks the fresh credential. A wrong password or a failed assertion counts towards the
 * lockout like a failed sign-in (and is audited by countFailedCredential); a blank password is
 * a form left empty and is not counted. A locked or disabled account is refused first.
 */
export async function confirmIdentity(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { sessionId: string; credential: FreshCredential | undefined },
): Promise<ConfirmedIdentity> {
  const credential = input.credential;
  if (!credential || ('password' in credential && !credential.password)) {
    throw refusal('invalid_input', 'confirm it is you: enter your current password or use one of your passkeys', { password: problem('common.required') });
  }
  const user = await findSignInUser(ctx.db, { id: actor.userId });
  if (!user) throw new AppError('forbidden', 'your account cannot change its credentials');

  if ('password' in credential) {
    return oneCredentialCheckAtATime(user.id, async () => {
      const fresh = (await findSignInUser(ctx.db, { id: actor.userId }))!;
      await refuseUnusableAccount(ctx, fresh, 'password');
      if (fresh.password_hash && (await verifyPassword(fresh.password_hash, credential.password))) {
        await ctx.db.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [user.id]);
        return { method: 'password' as const, credentialId: null };
      }
      const lockedUntil = await ctx.db.transaction((tx) => countFailedCredential(tx, ctx.clock, ctx.policy, fresh, 'confirm-password', ctx.requestId));
      if (lockedUntil) throw lockedRefusal(`too many failed attempts: this account is locked until ${lockedUntil.slice(11, 16)} UTC`, lockedUntil);
      throw refusal('invalid_credentials', 'the password is wrong: nothing was changed', { password: problem('auth.wrongPassword') });
    });
  }

  const { challengeId, response } = credential.passkey;
  return oneCredentialCheckAtATime(user.id, async () => {
    const fresh = (await findSignInUser(ctx.db, { id: actor.userId }))!;
    await refuseUnusableAccount(ctx, fresh, 'passkey');
    const expectedChallenge = await ctx.db.transaction((tx) =>
      consumeChallenge(tx, ctx.clock, { id: challengeId, purpose: 'authentication', userId: actor.userId, boundTo: boundTo(input.sessionId) }),
    );
    const stored = await ctx.db.get<{ id: string; public_key: ArrayBuffer; counter: number; transports: string | null }>(
      'SELECT id, public_key, counter, transports FROM passkey_credentials WHERE id = ? AND user_id = ?',
      [typeof response?.id === 'string' ? response.id : '', actor.userId],
    );
    const check = stored ? await checkPasskeyAssertion(stored, response, expectedChallenge, rp) : { verified: false as const, reason: 'not a passkey of this account' };
    if (!check.verified) {
      const lockedUntil = await ctx.db.transaction((tx) =>
        countFailedCredential(tx, ctx.clock, ctx.policy, fresh, 'confirm-passkey', ctx.requestId, { reason: check.reason, credentialId: stored?.id }),
      );
      if (lockedUntil) throw lockedRefusal(`too many failed attempts: this account is locked until ${lockedUntil.slice(11, 16)} UTC`, lockedUntil);
      throw new AppError('passkey_rejected', `the passkey could not be verified: ${check.reason}`);
    }
    await ctx.db.run('UPDATE passkey_credentials SET counter = ?, last_used_at = ? WHERE id = ?', [check.newCounter, ctx.clock.now().toISOString(), stored!.id]);
    await ctx.db.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [user.id]);
    return { method: 'passkey' as const, credentialId: stored!.id };
  });
}
