import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { checkPasskeyAssertion } from '../auth/check-passkey-assertion.ts';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { consumeChallenge, type RelyingParty } from '../auth/webauthn-challenge.ts';
import { verifyPassword } from '../auth/password.ts';
import { findSignInUser, refuseUnusableAccount } from '../auth/find-sign-in-user.ts';
import { countFailedCredential } from '../auth/count-failed-credential.ts';
import { oneCredentialCheckAtATime } from '../auth/credential-lock.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { lockedRefusal } from '../auth/lock-refusals.ts';
import type { SignatureMeaning } from './record-hash.ts';

export type SignerCredential = { password: string } | { passkey: { challengeId: string; response: AuthenticationResponseJSON } };

export interface VerifiedSigner {
  method: 'password' | 'passkey';
  credentialId: string | null;
}

/**
 * Re-authenticates the signed-in user for one signature (21 CFR 11.200(a)): the password, or a
 * passkey assertion with user verification over the challenge bound to this record version.
 * A wrong password counts towards the lockout like a failed sign-in.
 */
export async function verifySigner(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { recordHash: string; meaning: SignatureMeaning; credential: SignerCredential },
): Promise<VerifiedSigner> {
  const user = await findSignInUser(ctx.db, { id: actor.userId });
  if (!user) throw new AppError('forbidden', 'your account cannot sign');
  await refuseUnusableAccount(ctx, user, 'password' in input.credential ? 'password' : 'passkey');

  if ('password' in input.credential) {
    const password = input.credential.password;
    return oneCredentialCheckAtATime(user.id, async () => {
      const fresh = (await findSignInUser(ctx.db, { id: actor.userId }))!;
      await refuseUnusableAccount(ctx, fresh, 'password');
      if (fresh.password_hash && (await verifyPassword(fresh.password_hash, password))) {
        await ctx.db.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [user.id]);
        return { method: 'password' as const, credentialId: null };
      }
      const lockedUntil = await ctx.db.transaction((tx) => countFailedCredential(tx, ctx.clock, ctx.policy, fresh, 'signature-password', ctx.requestId));
      if (lockedUntil) throw lockedRefusal(`too many failed attempts: this account is locked until ${lockedUntil.slice(11, 16)} UTC`, lockedUntil);
      throw refusal('invalid_credentials', 'the password is wrong: the record was not signed', { password: problem('signatures.wrongPassword') });
    });
  }

  const { challengeId, response } = input.credential.passkey;
  const boundTo = `${input.recordHash}:${input.meaning}`;
  const expectedChallenge = await ctx.db.transaction((tx) => consumeChallenge(tx, ctx.clock, { id: challengeId, purpose: 'signature', userId: actor.userId, boundTo }));
  const credential = await ctx.db.get<{ id: string; public_key: ArrayBuffer; counter: number; transports: string | null }>(
    'SELECT id, public_key, counter, transports FROM passkey_credentials WHERE id = ? AND user_id = ?',
    [response.id, actor.userId],
  );
  if (!credential) throw new AppError('passkey_rejected', 'this passkey is not one of yours');
  const check = await checkPasskeyAssertion(credential, response, expectedChallenge, rp);
  if (!check.verified) {
    await ctx.db.transaction((tx) =>
      recordAudit(tx, ctx.clock, {
        actor: { type: 'user', id: actor.userId, name: actor.displayName },
        organisationId: actor.organisationId,
        action: 'signature.failed',
        entityType: 'user',
        entityId: actor.userId,
        newValues: { method: 'passkey', credentialId: credential.id },
        reason: check.reason,
        requestId: ctx.requestId,
      }),
    );
    throw new AppError('passkey_rejected', `the passkey could not be verified: ${check.reason}`);
  }
  await ctx.db.run('UPDATE passkey_credentials SET counter = ?, last_used_at = ? WHERE id = ?', [check.newCounter, ctx.clock.now().toISOString(), credential.id]);
  return { method: 'passkey', credentialId: credential.id };
}
