import { startAuthentication } from '@simplewebauthn/browser';

/**
 * In the browser: an assertion of one of the user's own passkeys over a challenge bound to this
 * session, to send along with a step that needs a fresh credential (shared/auth/confirm-identity.ts).
 */
export async function passkeyConfirmation(): Promise<{ challengeId: string; response: unknown }> {
  const optionsResponse = await fetch('/account/passkeys/confirm/options', { method: 'POST' });
  const { challengeId, options, message } = await optionsResponse.json();
  if (!optionsResponse.ok) throw new Error(message);
  return { challengeId, response: await startAuthentication({ optionsJSON: options }) };
}
