import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkLiteralHost } from '../net/resolve-target.ts';
import { guardedLookup } from '../net/resolve-target-node.ts';
import { excerptBytes, PostTimeoutError, type CreateHttpPoster, type Poster, type PostBytes, type PostResult } from './http-post.ts';

/**
 * Node's own HTTP client with keep-alive connections per origin: a webhook delivery costs
 * noticeably less CPU than through fetch, which matters at thousands of deliveries a second.
 */
export const createHttpPoster: CreateHttpPoster = (maxSockets = 64) => {
  // Internal and external targets never share a kept-alive socket: one checked for one is not checked for the other.
  const agentsFor = (internal: boolean) => ({
    'http:': new http.Agent({ keepAlive: true, maxSockets, lookup: guardedLookup(internal) }),
    'https:': new https.Agent({ keepAlive: true, maxSockets, lookup: guardedLookup(internal) }),
  });
  const pools = { internal: agentsFor(true), external: agentsFor(false) };
  const post = ((url, headers, body, timeoutMs, options) =>
    new Promise<PostResult>((resolve, reject) => {
      const target = new URL(url);
      const internal = options?.internal === true;
      const client = target.protocol === 'https:' ? https : http;
      const agent = pools[internal ? 'internal' : 'external'][target.protocol as 'http:' | 'https:'];
      if (!agent) return reject(new Error(`unsupported protocol ${target.protocol}`));
      try {
        checkLiteralHost(target.hostname, internal);
      } catch (e) {
        return reject(e);
      }
      const payload = Buffer.from(body);
      const req = client.request(target, { method: 'POST', agent, headers: { ...headers, 'content-length': payload.length } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answered = () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, excerpt: Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8') });
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          // Enough for the excerpt: the rest is not read (a huge or endless answer costs one socket, not the timeout).
          if (size >= excerptBytes) {
            answered();
            res.destroy();
          }
        });
        res.on('end', answered);
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      const timer = setTimeout(() => req.destroy(new PostTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end(payload);
    })) as Poster & { close(): void };
  post.close = () => {
    for (const pool of Object.values(pools)) for (const agent of Object.values(pool)) agent.destroy();
  };
  return post;
};

/** Node's HTTP client, connecting to the pinned address when one is given (the lookup answers with it alone). */
export const postBytes: PostBytes = (url, headers, body, timeoutMs, pinned) => {
  const lookup: LookupFunction | undefined = pinned
    ? (_host, options, callback) => {
        if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      }
    : undefined;
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, lookup, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' });
    });
    req.on('error', reject);
    req.end(body);
  });
};
