/**
 * One POST of a webhook delivery, the interface both runtimes implement. Which one runs is
 * chosen by `#runtime/http-post` (package.json "imports"): Node's own HTTP client with
 * keep-alive on Node (http-post-node.ts), `fetch` on Workers (http-post-fetch.ts).
 */
export interface PostResult {
  status: number;
  retryAfter: string | null;
  /** The first `excerptBytes` of the answer's body (the rest is read no further than that). */
  excerpt: string;
}

/**
 * One POST of a delivery: resolves with the answer (a redirect is an answer, never followed),
 * rejects on network errors and timeouts. Unless `target.internal` (the administrator marked
 * the endpoint internal), an address that is loopback, private, link-local or unique-local is
 * refused before anything is sent.
 */
export type Poster = (url: string, headers: Record<string, string>, body: string, timeoutMs: number, target?: { internal: boolean }) => Promise<PostResult>;

/** Makes a poster; `maxSockets` bounds connections per origin where the runtime lets us. */
export type CreateHttpPoster = (maxSockets?: number) => Poster & { close(): void };

/** Where to connect instead of resolving the URL's host (an address already checked). */
export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * One POST of bytes (an async MDN): resolves with the status of the answer (its body is not
 * read; redirects are not followed), rejects on network errors and when no answer comes within
 * the timeout. With `pinned` the connection goes to that address (Host header and TLS name from
 * the URL), so the address checked is the address reached; a runtime without DNS (Workers) is
 * never given one.
 */
export type PostBytes = (url: URL, headers: Record<string, string>, body: Uint8Array, timeoutMs: number, pinned?: PinnedAddress) => Promise<{ status: number; statusText: string }>;

/** No answer (status and body) within the timeout; the dispatcher words it by this name. */
export class PostTimeoutError extends Error {
  override name = 'TimeoutError';
}

/** How much of an answer's body is kept (and read). */
export const excerptBytes = 512;
