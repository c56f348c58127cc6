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

/**
 * Compared as SHA-256 digests in constant time: the time taken tells nothing of the token, not
 * even its length. Web Crypto, so the same code runs on Node and on Workers.
 */
async function sameToken(given: string, expected: string): Promise<boolean> {
  const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/**
 * Who may read /metrics: a bearer of METRICS_TOKEN, or a scraper on this machine (a loopback
 * peer whose request no proxy forwarded: behind a reverse proxy every request comes from
 * loopback, so a forwarded one counts as remote, whatever TRUST_PROXY says). Anyone else: 401.
 * On Workers there is no peer address: only a bearer of METRICS_TOKEN gets in.
 */
export const metricsAccess = (options: MetricsAccessOptions): MiddlewareHandler => {
  return async (c, next) => {
    const token = options.token();
    const auth = c.req.header('authorization') ?? '';
    const bearer = /^Bearer +(\S+)$/i.exec(auth)?.[1];
    if (token && bearer && (await sameToken(bearer, token))) return next();
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
