// A passkey enrolled through the real registration use cases with the software authenticator, and
// the second half of a passkey signature: what the browser tier does with Chrome's virtual one.
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Actor } from '../../shared/auth/actor.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { RelyingParty } from '../../shared/auth/webauthn-challenge.ts';
import type { SignerCredential } from '../../shared/signatures/verify-signer.ts';
import { finishPasskeyRegistration, startPasskeyRegistration } from '../../shared/auth/register-passkey.ts';
import { SoftwareAuthenticator } from './software-authenticator.ts';

/** Enrols a new passkey for `actor` (confirmed with its password) and returns the authenticator that holds it. */
export async function enrolPasskey(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, password: string): Promise<SoftwareAuthenticator> {
  const authenticator = new SoftwareAuthenticator({ id: rp.id, origin: rp.origin });
  const sessionId = `test-session-${actor.userId}`;
  const { challengeId, options } = await startPasskeyRegistration(ctx, actor, rp, { sessionId, credential: { password } });
  await finishPasskeyRegistration(ctx, actor, rp, { sessionId, challengeId, name: 'Test key', response: authenticator.register(options), locale: 'en' });
  return authenticator;
}

/** The signer's credential from a started passkey signature: the authenticator's assertion over its challenge. */
export function passkeyAssertion(authenticator: SoftwareAuthenticator, started: { challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }): SignerCredential {
  return { passkey: { challengeId: started.challengeId, response: authenticator.authenticate(started.options) } };
}
