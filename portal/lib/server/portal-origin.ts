import type { RequestEvent } from '@sveltejs/kit';
import { classifyHost } from '$shared/net/address-class.ts';

/**
 * The origin of links we send away from this request (notice links in mail): PUBLIC_URL.
 * Without it, the request's own origin only where the Host header is not the client's to
 * choose: a request a proxy the operator trusts forwarded (TRUST_PROXY=true; the Node entry
 * marks those, and only those, with X-Lotbridge-Via-Proxy: the proxy's X-Forwarded-Host)
 * or on this machine (a loopback host, as in development). Anywhere else null: a forged Host
 * must never end up in a mail as a link to someone else's server (a client that reaches the
 * port directly sends the Host it likes, TRUST_PROXY or not).
 */
export function trustedPortalOrigin(event: Pick<RequestEvent, 'url' | 'locals' | 'request'>): string | null {
  const { config } = event.locals.app;
  if (config.publicUrl) return config.publicUrl.origin;
  if (config.trustProxy && event.request.headers.get('x-lotbridge-via-proxy') === '1') return event.url.origin;
  return classifyHost(event.url.hostname) === 'loopback' ? event.url.origin : null;
}
