import type { IncomingHttpHeaders } from 'node:http';

const first = (value: string | string[] | undefined): string | undefined => {
  const raw = Array.isArray(value) ? value[0] : value;
  const v = raw?.split(',')[0]?.trim();
  return v || undefined;
};

/**
 * What a TLS-terminating proxy says of the original request (TRUST_PROXY=true only): the
 * scheme and host the browser used (X-Forwarded-Proto, X-Forwarded-Host, the first value as
 * the outermost proxy set it) and the client's address (the last X-Forwarded-For entry: the
 * peer our proxy saw). Values that are not a scheme or a host are ignored.
 */
export function forwardedFrom(headers: IncomingHttpHeaders): { proto?: 'http' | 'https'; host?: string; client?: string } {
  const proto = first(headers['x-forwarded-proto'])?.toLowerCase();
  const host = first(headers['x-forwarded-host']);
  const xff = headers['x-forwarded-for'];
  const client = (Array.isArray(xff) ? xff.join(',') : xff)?.split(',').pop()?.trim();
  return {
    proto: proto === 'http' || proto === 'https' ? proto : undefined,
    host: host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : undefined,
    client: client || undefined,
  };
}
