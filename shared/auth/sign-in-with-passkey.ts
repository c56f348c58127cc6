import { generateAuthenticationOptions, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { checkPasskeyAssertion } from './check-passkey-assertion.ts';
import type { UseCaseContext } from '../context.ts';
import type { Session } from './session.ts';
import { createSession } from './session.ts';
import { consumeChallenge, storeChallenge, type RelyingParty } from './webauthn-challenge.ts';
import { findSignInUser, refuseUnusableAccount } from './find-sign-in-user.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { lockedRefusal, sourceBlockedRefusal } from './lock-refusals.ts';
import { countFailedCredential } from './count-failed-credential.ts';
import { countThrottledFailure, isKnownSource, readThrottle, rememberSource, unspecifiedSource } from './sign-in-throttle.ts';

/** Usernameless passkey sign-in: any discoverable credential of ours, user verification required. */
export async function startPasskeySignIn(
  ctx: UseCaseContext,
  rp: RelyingParty,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', allowCredentials: [] });
  const challengeId = await ctx.db.transaction((tx) =>
    storeChallenge(tx, ctx.clock, { challenge: options.challenge, purpose: 'authentication', userId: null }),
  );
  return { challengeId, options };
}

interface CredentialRow {
  id: string;
  user_id: string;
  public_key: ArrayBuffer;
  counter: number;
  transports: string | null;
}

export async function finishPasskeySignIn(
  ctx: UseCaseContext,
  rp: RelyingParty,
  input: { challengeId: string; response: AuthenticationResponseJSON; source?: string },
): Promise<{ token: string; session: Session }> {
  const { db, clock, policy } = ctx;
  const source = input.source ?? unspecifiedSource;
  const expectedChallenge = await db.transaction((tx) =>
    consumeChallenge(tx, clock, { id: input.challengeId, purpose: 'authentication', userId: null }),
  );
  const credential = await db.get<CredentialRow>('SELECT * FROM passkey_credentials WHERE id = ?', [input.response.id]);
  if (!credential) throw new AppError('passkey_rejected', 'this passkey is not registered with Lotbridge');
  const user = await findSignInUser(db, { id: credential.user_id });
  if (!user) throw new AppError('passkey_rejected', 'this passkey belongs to an account without an organisation');
  // A source with too many failures is slowed down here too; the account lock (Part 11) applies
  // except from a source this user signed in from before (see sign-in-with-password.ts).
  const { sourceBlockedUntil } = await readThrottle(db, clock, { email: user.email, source });
  if (sourceBlockedUntil) {
    throw sourceBlockedRefusal(sourceBlockedUntil);
  }
  await refuseUnusableAccount(ctx, user, 'passkey', { lockApplies: !(await isKnownSource(db, clock, user.id, source)) });

  const verification = await checkPasskeyAssertion(credential, input.response, expectedChallenge, rp);
  const auditActor = { type: 'user' as const, id: user.id, name: user.display_name };
  if (!verification.verified) {
    const reason = verification.reason;
    // A failed assertion counts towards the lockout like a wrong password.
    const lockedUntil = await db.transaction(async (tx) => {
      await countThrottledFailure(tx, clock, policy, { email: user.email, source });
      return countFailedCredential(tx, clock, policy, user, 'passkey', ctx.requestId, { reason, credentialId: credential.id });
    });
    if (lockedUntil) throw lockedRefusal(`too many failed sign-ins: this account is locked until ${lockedUntil.slice(11, 16)} UTC`, lockedUntil);
    throw new AppError('passkey_rejected', `the passkey could not be verified: ${reason}`);
  }

  return db.transaction(async (tx) => {
    await tx.run('UPDATE passkey_credentials SET counter = ?, last_used_at = ? WHERE id = ?', [
      verification.newCounter,
      clock.now().toISOString(),
      credential.id,
    ]);
    await tx.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [user.id]);
    await rememberSource(tx, clock, user.id, source);
    const created = await createSession(tx, clock, policy, { userId: user.id, organisationId: user.organisation_id, authMethod: 'passkey' });
    await recordAudit(tx, clock, {
      actor: auditActor,
      organisationId: user.organisation_id,
      action: 'auth.signed_in',
      entityType: 'user',
      entityId: user.id,
      newValues: { method: 'passkey', credentialId: credential.id },
      requestId: ctx.requestId,
    });
    return created;
  });
}
