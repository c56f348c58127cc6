import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { classifyAddress } from '../../../shared/net/address-class.ts';
import { problem } from '../problem/index.ts';
import { peerAddress } from '../../env.ts';

export interface MetricsAccessOptions {
  /** METRICS_TOKEN: a scraper sends `Authorization: Bearer <token>`; undefined = loopback only. */
  token: () => string | undefined;
}

/** Headers a proxy adds: a request that carries one was forwarded, so its peer address says nothing of the client. */
const forwardingHeaders = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'];

/** Compared as SHA-256 digests with timingSafeEqual: the time taken tells nothing of the token, not even its length. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Who may read /metrics: a bearer of METRICS_TOKEN, or a scraper on this machine (a loopback
 * peer whose request no proxy forwarded: behind a reverse proxy every request comes from
 * loopback, so a forwarded one counts as remote, whatever TRUST_PROXY says). Anyone else: 401.
 */
export const metricsAccess = (options: MetricsAccessOptions): MiddlewareHandler => {
  return async (c, next) => {
    const token = options.token();
    const auth = c.req.header('authorization') ?? '';
    const bearer = /^Bearer +(\S+)$/i.exec(auth)?.[1];
    if (token && bearer && sameToken(bearer, token)) return next();
    const peer = peerAddress(c);
    const forwarded = forwardingHeaders.some((h) => c.req.header(h) !== undefined);
    if (!bearer && peer && classifyAddress(peer) === 'loopback' && !forwarded) return next();
    c.header('WWW-Authenticate', 'Bearer realm="metrics"');
    return problem(c, {
      type: 'about:blank',
      title: 'unauthorized',
      status: 401,
      detail: token ? 'send Authorization: Bearer with the METRICS_TOKEN' : '/metrics answers scrapers on this machine only; set METRICS_TOKEN to scrape from elsewhere',
    });
  };
};
