import type { IncomingHttpHeaders } from 'node:http';
import { classifyAddress, isInternal } from '../../shared/net/address-class.ts';
import { inAddressRange, type AddressRange } from '../../shared/net/address-range.ts';

/** TRUST_PROXY and TRUSTED_PROXIES (shared/config.ts). */
export interface ProxyTrust {
  trustProxy: boolean;
  trustedProxies: readonly AddressRange[];
}

/** What the portal is told of a request: the scheme and host the browser used, the client's address. */
export interface EffectiveRequest {
  proto: 'http' | 'https';
  /** The browser's host when a trusted proxy said it; else the request's own Host stands. */
  host?: string;
  client: string;
  /** True when the forwarded headers were believed (the peer is a proxy we trust). */
  viaProxy: boolean;
}

/** The last of a header's comma-separated values (over repeated headers too): the one our proxy, the nearest, set. */
const last = (value: string | string[] | undefined): string | undefined => {
  const joined = Array.isArray(value) ? value.join(',') : value;
  const v = joined?.split(',').pop()?.trim();
  return v || undefined;
};

/**
 * A peer whose forwarded headers we believe: only with TRUST_PROXY=true, and only a loopback,
 * private (or otherwise non-public) address or one in TRUSTED_PROXIES. A client that reaches
 * the Node port directly from the internet is never one, whatever it sends.
 */
export function isTrustedProxy(trust: ProxyTrust, peer: string | undefined): boolean {
  if (!trust.trustProxy || !peer) return false;
  const c = classifyAddress(peer);
  if (c !== null && isInternal(c)) return true;
  return trust.trustedProxies.some((range) => inAddressRange(peer, range));
}

/**
 * What a TLS-terminating proxy says of the original request: the scheme and host the browser
 * used (X-Forwarded-Proto, X-Forwarded-Host) and the client's address (X-Forwarded-For), each
 * the LAST value, the one our proxy added or set (a value before it is the client's to write).
 * Values that are not a scheme or a host are ignored.
 */
export function forwardedFrom(headers: IncomingHttpHeaders): { proto?: 'http' | 'https'; host?: string; client?: string } {
  const proto = last(headers['x-forwarded-proto'])?.toLowerCase();
  const host = last(headers['x-forwarded-host']);
  const client = last(headers['x-forwarded-for']);
  return {
    proto: proto === 'http' || proto === 'https' ? proto : undefined,
    host: host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : undefined,
    client,
  };
}

/**
 * The request as the portal sees it: from a trusted proxy (isTrustedProxy), what it forwarded;
 * from anyone else, the TCP peer's address over plain HTTP, forwarded headers ignored.
 */
export function effectiveRequest(trust: ProxyTrust, peer: string | undefined, headers: IncomingHttpHeaders): EffectiveRequest {
  if (!isTrustedProxy(trust, peer)) return { proto: 'http', client: peer ?? '', viaProxy: false };
  const forwarded = forwardedFrom(headers);
  return { proto: forwarded.proto ?? 'http', host: forwarded.host, client: forwarded.client ?? peer ?? '', viaProxy: true };
}
