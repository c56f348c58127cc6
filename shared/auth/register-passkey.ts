import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from './actor.ts';
import { asAuditActor } from './actor.ts';
import { consumeChallenge, storeChallenge, type RelyingParty } from './webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';

/**
 * Passkey enrolment for the signed-in user: discoverable credential (so sign-in needs no
 * e-mail) with user verification required, the challenge kept in the database.
 */
export async function startPasskeyRegistration(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
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
    storeChallenge(tx, ctx.clock, { challenge: options.challenge, purpose: 'registration', userId: actor.userId }),
  );
  return { challengeId, options };
}

export async function finishPasskeyRegistration(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { challengeId: string; name: string; response: RegistrationResponseJSON },
): Promise<{ id: string; name: string }> {
  const name = input.name.trim().slice(0, 60) || 'Passkey';
  const expectedChallenge = await ctx.db.transaction((tx) =>
    consumeChallenge(tx, ctx.clock, { id: input.challengeId, purpose: 'registration', userId: actor.userId }),
  );
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
      newValues: { name, deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp },
      requestId: ctx.requestId,
    });
  });
  return { id: info.credential.id, name };
}
