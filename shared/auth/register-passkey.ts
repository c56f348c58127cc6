import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from './actor.ts';
import { asAuditActor } from './actor.ts';
import { storeChallenge, consumeChallenge, type RelyingParty } from './webauthn-challenge.ts';
import { confirmIdentity, type FreshCredential } from './confirm-identity.ts';
import { queueCredentialMail } from './credential-mail.ts';
import { recordAudit } from '../audit/record-audit.ts';
import type { Locale } from '../i18n/index.ts';
import { AppError } from '../errors.ts';

/** What a registration challenge is bound to: this session, and how the user confirmed it was them. */
const boundPrefix = (sessionId: string) => `add-passkey:${sessionId}:`;

/**
 * Passkey enrolment for the signed-in user, in two requests: this first one needs a FRESH
 * re-authentication (the current password or an existing passkey, checked here and counted
 * towards the lockout when wrong); only then is a registration challenge made, single use,
 * short-lived and bound to this session. Discoverable credential (so sign-in needs no e-mail),
 * user verification required.
 */
export async function startPasskeyRegistration(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { sessionId: string; credential: FreshCredential | undefined },
): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const confirmed = await confirmIdentity(ctx, actor, rp, input);
  const existing = await ctx.db.all<{ id: string; transports: string | null }>(
    'SELECT id, transports FROM passkey_credentials WHERE user_id = ?',
    [actor.userId],
  );
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: actor.email,
    userDisplayName: actor.displayName,
    userID: new TextEncoder().encode(actor.userId),
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports ? JSON.parse(c.transports) : undefined })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const challengeId = await ctx.db.transaction((tx) =>
    storeChallenge(tx, ctx.clock, {
      challenge: options.challenge,
      purpose: 'registration',
      userId: actor.userId,
      boundTo: `${boundPrefix(input.sessionId)}${confirmed.method}`,
    }),
  );
  return { challengeId, options };
}

/**
 * The second request: the new passkey's attestation, accepted only over a challenge that the
 * first request made for this user in this session after re-authentication. Stored, audited and
 * mailed to the user in one transaction.
 */
export async function finishPasskeyRegistration(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { sessionId: string; challengeId: string; name: string; response: RegistrationResponseJSON; locale: Locale },
): Promise<{ id: string; name: string }> {
  const name = input.name.trim().slice(0, 60) || 'Passkey';
  const { expectedChallenge, confirmedWith } = await ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ bound_to: string | null }>("SELECT bound_to FROM webauthn_challenges WHERE id = ? AND purpose = 'registration' AND user_id = ?", [
      input.challengeId,
      actor.userId,
    ]);
    const prefix = boundPrefix(input.sessionId);
    if (!row?.bound_to?.startsWith(prefix)) {
      throw new AppError('challenge_expired', 'this passkey request is unknown, was already used or belongs to another session: confirm it is you and start again');
    }
    return {
      expectedChallenge: await consumeChallenge(tx, ctx.clock, { id: input.challengeId, purpose: 'registration', userId: actor.userId, boundTo: row.bound_to }),
      confirmedWith: row.bound_to.slice(prefix.length),
    };
  });
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
  } catch (e) {
    throw new AppError('passkey_rejected', `the passkey could not be verified: ${(e as Error).message}`);
  }
  if (!verification.verified) throw new AppError('passkey_rejected', 'the passkey could not be verified');
  const info = verification.registrationInfo;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (tx) => {
    if (await tx.get('SELECT id FROM passkey_credentials WHERE id = ?', [info.credential.id])) {
      throw new AppError('passkey_rejected', 'this passkey is already registered');
    }
    await tx.run(
      `INSERT INTO passkey_credentials (id, user_id, public_key, counter, transports, device_type, backed_up, name, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        info.credential.id,
        actor.userId,
        info.credential.publicKey,
        info.credential.counter,
        JSON.stringify(info.credential.transports ?? []),
        info.credentialDeviceType,
        info.credentialBackedUp ? 1 : 0,
        name,
        now,
      ],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'passkey.registered',
      entityType: 'passkey',
      entityId: info.credential.id,
      newValues: { name, deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp, confirmedWith },
      requestId: ctx.requestId,
    });
    await queueCredentialMail(tx, ctx.clock, actor, { change: 'added', passkeyName: name, at: now, confirmedWith, locale: input.locale, passkeyId: info.credential.id });
  });
  return { id: info.credential.id, name };
}
