import type { RequestEvent } from '@sveltejs/kit';
import type { RelyingParty } from '$shared/auth/webauthn-challenge.ts';

/** WebAuthn's relying party is the public origin when configured, else the one the browser used. */
export function relyingParty(event: RequestEvent): RelyingParty {
  const url = event.locals.app.config.publicUrl ?? event.url;
  return { id: url.hostname, origin: url.origin, name: 'Lotbridge' };
}
