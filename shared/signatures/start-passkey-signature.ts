import { createHash, randomBytes } from 'node:crypto';
import { generateAuthenticationOptions, type AuthenticatorTransportFuture, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { storeChallenge, type RelyingParty } from '../auth/webauthn-challenge.ts';
import { AppError } from '../errors.ts';
import type { SignatureMeaning } from './record-hash.ts';

/**
 * The first half of signing with a passkey: a WebAuthn challenge derived from the hash of the
 * exact record version and the meaning (21 CFR 11.200), only for the signer's own passkeys,
 * user verification required. The challenge is bound to that hash: if the record changes
 * before the signature is finished, it is refused.
 */
export async function startPasskeySignature(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { recordHash: string; meaning: SignatureMeaning },
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const credentials = await ctx.db.all<{ id: string; transports: string | null }>('SELECT id, transports FROM passkey_credentials WHERE user_id = ?', [actor.userId]);
  if (credentials.length === 0) throw new AppError('invalid_input', 'you have no passkey: sign with your password, or add a passkey first');
  const boundTo = `${input.recordHash}:${input.meaning}`;
  const challenge = createHash('sha256')
    .update(`lotbridge/signature/v1:${boundTo}:`)
    .update(randomBytes(16))
    .digest('base64url');
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: new TextEncoder().encode(challenge),
    userVerification: 'required',
    allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports ? (JSON.parse(c.transports) as AuthenticatorTransportFuture[]) : undefined })),
  });
  const challengeId = await ctx.db.transaction((tx) =>
    storeChallenge(tx, ctx.clock, { challenge: options.challenge, purpose: 'signature', userId: actor.userId, boundTo }),
  );
  return { challengeId, options };
}
