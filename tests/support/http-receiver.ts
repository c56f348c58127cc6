// A real HTTP server on 127.0.0.1 for the outbound HTTP tests (webhook posters, the mail API
// transport): it records every request it is sent and answers what the test says.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Answers one request: write to `res` (or leave it open: a server that never answers). */
export type Answer = (req: ReceivedRequest, res: ServerResponse) => void;

export interface HttpReceiver {
  /** http://127.0.0.1:port */
  url: string;
  received: ReceivedRequest[];
  answer(answer: Answer): void;
  close(): Promise<void>;
}

export const answerWith =
  (status: number, body = '', headers: Record<string, string> = {}): Answer =>
  (_req, res) =>
    res.writeHead(status, headers).end(body);

export async function startHttpReceiver(answer: Answer = answerWith(204)): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  let current = answer;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      current(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (a) => void (current = a),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (taken, then given back). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
