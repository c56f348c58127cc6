import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpLimits } from '../../shared/config.ts';
import type { Logger } from '../../shared/log.ts';
import { sourceOf } from '../../shared/auth/client-source.ts';

const answer = (status: string, text: string, extra = '') =>
  `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${extra}\r\n${text}`;
const tooSlow = answer('408 Request Timeout', 'The request body arrived too slowly.\n');
const tooMany = answer('503 Service Unavailable', 'Too many connections from your address.\n', 'Retry-After: 5\r\n');

/** How often open requests are looked at (and Node checks its own header/request timeouts). */
const tickMs = 1000;

export interface RefusalCounts {
  /** Connections refused because their source already held MAX_CONNECTIONS_PER_SOURCE. */
  connections: number;
  /** Request bodies cut off for arriving slower than BODY_MIN_RATE_KB. */
  slowBodies: number;
}

/** Writes a last answer (unless one is under way) and closes the connection once it is out. */
function closeWith(socket: Socket, text: string | null): void {
  if (socket.destroyed) return;
  if (text && socket.writable) {
    socket.end(text, () => socket.destroy());
    // A peer that never reads must not keep the socket either.
    setTimeout(() => socket.destroy(), tickMs).unref();
  } else socket.destroy();
}

interface Watched {
  req: IncomingMessage;
  res: ServerResponse;
  since: number;
  bytesAtStart: number;
  /** Time the body waited on us (unread data buffered), which the client is not charged for. */
  excusedMs: number;
}

/**
 * The Node server with the limits every door needs against a client that holds connections
 * open (slowloris, trickled bodies, floods from one address):
 * - headers must arrive within `headersTimeoutMs` (Node answers 408 and closes);
 * - a body must average `bodyMinBytesPerSecond` once `bodyGraceMs` has passed (as Apache's
 *   mod_reqtimeout MinRate: each byte buys time), so a large AS2 message on a slow but honest
 *   line still gets through while a trickle is cut off with 408; `requestTimeoutMs` is a
 *   ceiling on receiving any one request;
 * - one source address holds at most `maxConnectionsPerSource` connections: the next one is
 *   answered 503 and closed at once, not queued.
 */
export function createLimitedServer(
  limits: HttpLimits,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: {
    log?: Logger;
    /** Peers the per-source cap does not count (a trusted reverse proxy carries every client's connections). */
    uncapped?: (address: string) => boolean;
  } = {},
): { server: Server; refusals: RefusalCounts } {
  const { log } = options;
  const refusals: RefusalCounts = { connections: 0, slowBodies: 0 };
  const refused = new WeakSet<Socket>();
  const perSource = new Map<string, number>();
  const watched = new Set<Watched>();

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Node refuses a request timeout shorter than the header timeout (0 = none).
      requestTimeout: limits.requestTimeoutMs && Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
      connectionsCheckingInterval: tickMs,
    },
    (req, res) => {
      // A refused connection's request (sent before it saw the 503) gets nothing more.
      if (refused.has(req.socket)) return;
      const length = req.headers['content-length'];
      const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
      if (hasBody && !req.complete) watched.add({ req, res, since: performance.now(), bytesAtStart: req.socket.bytesRead, excusedMs: 0 });
      handler(req, res);
    },
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || options.uncapped?.(address)) return;
    // An IPv4 client by its address, an IPv6 client by its /64 (one subscriber usually holds it whole).
    const source = sourceOf(address);
    const open = perSource.get(source) ?? 0;
    if (open >= limits.maxConnectionsPerSource) {
      refused.add(socket);
      refusals.connections++;
      closeWith(socket, tooMany);
      return;
    }
    perSource.set(source, open + 1);
    socket.once('close', () => {
      const left = (perSource.get(source) ?? 1) - 1;
      if (left > 0) perSource.set(source, left);
      else perSource.delete(source);
    });
  });

  // Refusals are logged as counts at most once a minute: a flood cannot flood the log.
  let logged = { connections: 0, slowBodies: 0, at: performance.now() };
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - logged.at >= 60_000 && (refusals.connections !== logged.connections || refusals.slowBodies !== logged.slowBodies)) {
      log?.warn('clients held back by the request limits', {
        connectionsRefused: refusals.connections - logged.connections,
        slowBodiesCut: refusals.slowBodies - logged.slowBodies,
        seconds: Math.round((now - logged.at) / 1000),
      });
      logged = { ...refusals, at: now };
    }
    for (const w of watched) {
      const socket = w.req.socket;
      if (w.req.complete || socket.destroyed) {
        watched.delete(w);
        continue;
      }
      // Data waiting in the request's buffer means the handler is slow to read, not the client to send.
      if (w.req.readableLength > 0) w.excusedMs += tickMs;
      const chargedMs = now - w.since - w.excusedMs;
      const earnedMs = limits.bodyGraceMs + ((socket.bytesRead - w.bytesAtStart) / limits.bodyMinBytesPerSecond) * 1000;
      if (chargedMs > earnedMs) {
        watched.delete(w);
        refusals.slowBodies++;
        closeWith(socket, w.res.headersSent ? null : tooSlow);
      }
    }
  }, tickMs);
  timer.unref();
  server.once('close', () => clearInterval(timer));
  return { server, refusals };
}
