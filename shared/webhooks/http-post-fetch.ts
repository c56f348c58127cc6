import { checkLiteralHost } from '../net/resolve-target.ts';
import { excerptBytes, PostTimeoutError, type CreateHttpPoster, type Poster, type PostBytes, type PostResult } from './http-post.ts';

/** The first `excerptBytes` of a body, reading no further (a huge or endless answer is cut, not held). */
async function excerptOf(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < excerptBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    // Stop the rest of the body (and free the connection); an error here changes nothing.
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(bytes.subarray(0, excerptBytes));
}

/** A network failure as the dispatcher words it: the cause's code (ECONNREFUSED …) when there is one. */
function networkError(e: unknown): Error {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const error = new Error(cause?.message ?? (e as Error).message) as Error & { code?: string };
  if (cause?.code) error.code = cause.code;
  return error;
}

/**
 * A poster over `fetch` for Workers (no node:http there); on Node only its unit test uses it.
 * Same outcomes as http-post-node.ts: the status of the first answer (redirects are not
 * followed), at most `excerptBytes` of its body, a PostTimeoutError when status and excerpt
 * do not arrive within the timeout, a rejection on a network error.
 *
 * Internal targets: an address literal that is loopback, private, link-local or unique-local is
 * refused here as on Node. A host name is not resolved (Workers have no DNS lookup) and need not
 * be: Cloudflare's `fetch` goes out from Cloudflare's network to the public internet and cannot
 * reach a private network or the machine it runs on (only bindings such as a Tunnel or VPC
 * service would), so a name that resolves to such an address does not reach it.
 * Connections are pooled by the runtime; `maxSockets` has no meaning here.
 */
export const createHttpPoster: CreateHttpPoster = () => {
  const post = (async (url, headers, body, timeoutMs, target) => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`unsupported protocol ${parsed.protocol}`);
    checkLiteralHost(parsed.hostname, target?.internal === true);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new PostTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      const response = await fetch(parsed, { method: 'POST', headers, body, redirect: 'manual', signal: abort.signal });
      const excerpt = await excerptOf(response);
      return { status: response.status, retryAfter: response.headers.get('retry-after'), excerpt } satisfies PostResult;
    } catch (e) {
      if (abort.signal.aborted) throw abort.signal.reason as PostTimeoutError;
      throw networkError(e);
    } finally {
      clearTimeout(timer);
    }
  }) as Poster & { close(): void };
  post.close = () => undefined;
  return post;
};

/**
 * `fetch` by the URL's name: it cannot be pinned to an address, and on Workers none is given
 * (there is no resolver to check one with; see resolve-target-workerd.ts for what holds there).
 */
export const postBytes: PostBytes = async (url, headers, body, timeoutMs, pinned) => {
  if (pinned) throw new Error('fetch cannot connect to a pinned address');
  const response = await fetch(url, { method: 'POST', headers, body: new Uint8Array(body), redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) }).catch((e: unknown) => {
    throw (e as Error).name === 'TimeoutError' ? e : networkError(e);
  });
  await response.body?.cancel();
  return { status: response.status, statusText: response.statusText };
};
