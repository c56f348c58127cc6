import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * One raw TCP connection to a test server, for what fetch cannot do: trickle headers or a
 * body byte by byte, hold a connection open, or come from another loopback address
 * (`localAddress: '127.0.0.2'`: all of 127.0.0.0/8 is this machine).
 */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** True once the server closed (or reset) the connection. */
  closed(): boolean;
  /** Resolves when the connection is closed. */
  whenClosed: Promise<void>;
  /** Writes, unless the connection is gone; false when it is. */
  write(text: string | Buffer): boolean;
  /** Resolves once the received text satisfies `done` (or the connection closes); the received text. */
  waitFor(done: (text: string) => boolean): Promise<string>;
  close(): void;
}

export async function openRaw(url: string, options: { localAddress?: string } = {}): Promise<RawConnection> {
  const target = new URL(url);
  const socket = connect({ host: target.hostname === 'localhost' ? '127.0.0.1' : target.hostname, port: Number(target.port), localAddress: options.localAddress });
  let text = '';
  let isClosed = false;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  socket.on('data', (d) => {
    text += d.toString('latin1');
    notify();
  });
  socket.on('error', () => undefined); // a reset counts as closed
  const whenClosed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      notify();
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    received: () => text,
    closed: () => isClosed,
    whenClosed,
    write: (chunk) => {
      if (isClosed || socket.destroyed || !socket.writable) return false;
      socket.write(chunk);
      return true;
    },
    waitFor: (done) =>
      new Promise((resolve) => {
        const check = () => {
          if (done(text) || isClosed) {
            listeners.delete(check);
            resolve(text);
          }
        };
        listeners.add(check);
        check();
      }),
    close: () => socket.destroy(),
  };
}

/** A complete keep-alive GET; resolves with the status line's code once the answer's head is in. */
export async function rawGet(conn: RawConnection, path: string, host = 'localhost'): Promise<number | null> {
  const before = conn.received().length;
  conn.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
  const text = (await conn.waitFor((t) => t.slice(before).includes('\r\n\r\n'))).slice(before);
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : null;
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One HTTP request through node:http, which (unlike fetch) sends the Host header it is given:
 * for testing what the server does with a Host the client chose.
 */
export function requestWithHost(
  url: string,
  options: { method?: string; path: string; host: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: target.hostname, port: target.port, method: options.method ?? 'GET', path: options.path, headers: { ...options.headers, host: options.host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
