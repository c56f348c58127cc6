import { verifyAuthenticationResponse, type AuthenticationResponseJSON, type AuthenticatorTransportFuture } from '@simplewebauthn/server';
import type { RelyingParty } from './webauthn-challenge.ts';

export interface StoredCredential {
  id: string;
  public_key: ArrayBuffer;
  counter: number;
  transports: string | null;
}

/**
 * One WebAuthn assertion against a stored passkey, user verification required. Never throws:
 * a failure comes back with the library's reason, for the audit trail.
 */
export async function checkPasskeyAssertion(
  credential: StoredCredential,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  rp: RelyingParty,
): Promise<{ verified: true; newCounter: number } | { verified: false; reason: string }> {
  try {
    const v = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: credential.id,
        publicKey: new Uint8Array(credential.public_key),
        counter: credential.counter,
        transports: credential.transports ? (JSON.parse(credential.transports) as AuthenticatorTransportFuture[]) : undefined,
      },
    });
    return v.verified ? { verified: true, newCounter: v.authenticationInfo.newCounter } : { verified: false, reason: 'signature not valid' };
  } catch (e) {
    return { verified: false, reason: (e as Error).message };
  }
}
