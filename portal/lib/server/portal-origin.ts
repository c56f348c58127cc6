import type { RequestEvent } from '@sveltejs/kit';
import { classifyHost } from '$shared/net/address-class.ts';

/**
 * The origin of links we send away from this request (notice links in mail): PUBLIC_URL.
 * Without it, the request's own origin only where the Host header is not the client's to
 * choose: behind a proxy the operator trusts (TRUST_PROXY=true, the proxy's X-Forwarded-Host)
 * or on this machine (a loopback host, as in development). Anywhere else null: a forged Host
 * must never end up in a mail as a link to someone else's server.
 */
export function trustedPortalOrigin(event: Pick<RequestEvent, 'url' | 'locals'>): string | null {
  const { config } = event.locals.app;
  if (config.publicUrl) return config.publicUrl.origin;
  if (config.trustProxy) return event.url.origin;
  return classifyHost(event.url.hostname) === 'loopback' ? event.url.origin : null;
}
