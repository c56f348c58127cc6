// A real ERP stand-in for the webhook tests (not a test file: Vitest only collects *.test.ts).
// An HTTP server on 127.0.0.1 that verifies EVERY delivery it gets with the independent
// `standardwebhooks` package, records it, and answers what the scenario asks for.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface DeliveredEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { aggregate: { type: string; id: string; sequence: number } };
}

export interface Arrival {
  /** Order of this arrival among the receiver's events (arrivals and answers share one counter). */
  tick: number;
  /** The counter when the answer went out (undefined while unanswered, or never for a hang). */
  answeredTick?: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  webhookId: string;
  webhookTimestamp: number;
  /** The space-separated entries of webhook-signature. */
  signatures: string[];
  body: string;
  event: DeliveredEvent;
  /** Indexes into the receiver's secrets() of those that verify this delivery. */
  verifiedBy: number[];
  /** How many requests were open at this receiver when this one arrived (itself included). */
  openAtArrival: number;
  /** The sender gave up on the request before it was answered (timeout). */
  abandoned: boolean;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang';

export interface ReceiverOptions {
  /** The secrets this ERP knows; a delivery must verify with at least one. */
  secrets: () => string[];
  /** The verifier's "now" (standardwebhooks checks webhook-timestamp against Date.now()). */
  now?: () => Date;
  /** What to answer; 204 by default. Called after the delivery was verified. */
  reply?: (arrival: Arrival) => Reply | Promise<Reply>;
}

export interface Receiver {
  url: string;
  arrivals: Arrival[];
  /** Requests that did not verify (answered 401); every test expects none. */
  rejected: { headers: IncomingHttpHeaders; body: string; reason: string }[];
  /** Requests received and not yet answered or abandoned. */
  readonly open: number;
  readonly maxOpen: number;
  setReply(reply: ReceiverOptions['reply']): void;
  close(): Promise<void>;
}

/**
 * Verifies with the `standardwebhooks` package alone. Its timestamp check reads Date.now();
 * when the sender signs on a test clock, that check is made against the same clock by
 * lending Date.now the clock's time for the (synchronous) call and nothing else.
 */
export function verifyWithStandardWebhooks(secret: string, body: string, headers: Record<string, string>, now?: Date): unknown {
  const wh = new Webhook(secret);
  if (!now) return wh.verify(body, headers);
  const real = Date.now;
  Date.now = () => now.getTime();
  try {
    return wh.verify(body, headers);
  } finally {
    Date.now = real;
  }
}

function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') out[k] = v;
  return out;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const answer204 = (): Reply => ({ status: 204 });
  let reply: NonNullable<ReceiverOptions['reply']> = options.reply ?? answer204;
  let tick = 0;
  let open = 0;
  let maxOpen = 0;
  const arrivals: Arrival[] = [];
  const rejected: Receiver['rejected'] = [];
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = headerRecord(req.headers);
      const secrets = options.secrets();
      const now = options.now?.();
      const verifiedBy: number[] = [];
      const reasons: string[] = [];
      secrets.forEach((secret, i) => {
        try {
          verifyWithStandardWebhooks(secret, body, headers, now);
          verifiedBy.push(i);
        } catch (e) {
          reasons.push(`secret ${i}: ${(e as Error).message}`);
        }
      });
      if (verifiedBy.length === 0) {
        rejected.push({ headers: req.headers, body, reason: reasons.join('; ') || 'no secret configured' });
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('signature does not verify');
        return;
      }
      open++;
      maxOpen = Math.max(maxOpen, open);
      const arrival: Arrival = {
        tick: ++tick,
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        webhookId: headers['webhook-id']!,
        webhookTimestamp: Number(headers['webhook-timestamp']),
        signatures: (headers['webhook-signature'] ?? '').split(' '),
        body,
        event: JSON.parse(body) as DeliveredEvent,
        verifiedBy,
        openAtArrival: open,
        abandoned: false,
      };
      arrivals.push(arrival);
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        open--;
      };
      res.on('close', () => {
        if (!res.writableFinished) arrival.abandoned = true;
        hanging.delete(res);
        settle();
      });
      void (async () => {
        const r: Reply = await reply(arrival);
        if (r === 'hang') {
          hanging.add(res);
          return;
        }
        if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
        if (res.destroyed) return;
        arrival.answeredTick = ++tick;
        settle();
        res.writeHead(r.status, r.headers ?? {});
        res.end(r.body);
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/erp/events`,
    arrivals,
    rejected,
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    setReply(r) {
      reply = r ?? answer204;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
