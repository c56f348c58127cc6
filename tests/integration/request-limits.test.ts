import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRaw, pause, rawGet, type RawConnection } from '../support/raw-http.ts';
import type { RunningServer } from '../support/server.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Db } from '../../shared/db/index.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';

// Small limits, so that a held connection is cut within seconds. The trickling clients below
// give up after `patience` writes (far beyond the configured limit): a server that has not
// cut them off by then would hold them for Node's defaults (60 s of headers, 300 s of body).
const patience = 100;
const every = 200; // ms between trickled writes
const system = { type: 'system' as const, name: 'request-limits test' };
const partnerAs2Id = 'SLOW-SENDER';
const as2Headers = (messageId: string) => `AS2-Version: 1.2\r\nAS2-From: ${partnerAs2Id}\r\nAS2-To: LOTBRIDGE\r\nMessage-ID: <${messageId}>\r\n`;

/** Trickles `piece` until the server closes the connection or patience runs out; how many pieces went out. */
async function trickle(conn: RawConnection, piece: string): Promise<number> {
  let sent = 0;
  while (sent < patience && conn.write(piece)) {
    sent++;
    await pause(every);
  }
  return sent;
}

describe('request limits on every door (real sockets on loopback)', () => {
  let server: RunningServer;
  let origin: string;
  let db: Db;
  let ctx: { db: Db; clock: typeof systemClock; policy: typeof defaultPolicy };

  beforeAll(async () => {
    server = await startBuiltServer({ HEADERS_TIMEOUT_SECONDS: '1', BODY_GRACE_SECONDS: '1', BODY_MIN_RATE_KB: '1' });
    origin = server.url;
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    // /as2 reads a body only once its headers name a partner (screen-as2-request.ts): the
    // tests below send as this one, so that their bodies are really read.
    await addPartner(ctx, system, { name: 'Slow sender', kind: 'supplier', as2Id: partnerAs2Id });
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('cuts off a client that trickles its headers (slowloris) with 408', async () => {
    const conn = await openRaw(origin);
    conn.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const sent = await trickle(conn, 'X-Slow: a\r\n');
    expect(sent).toBeLessThan(patience);
    await conn.whenClosed;
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a body trickled to /as2 with 408', async () => {
    const conn = await openRaw(origin);
    conn.write(`POST /as2 HTTP/1.1\r\nHost: localhost\r\n${as2Headers('trickle@test')}Content-Type: application/pkcs7-mime\r\nContent-Length: 100000\r\n\r\n`);
    const sent = await trickle(conn, 'x'.repeat(16));
    expect(sent).toBeLessThan(patience);
    await conn.whenClosed;
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a body trickled to a portal form with 408', async () => {
    const conn = await openRaw(origin);
    conn.write(
      `POST /login HTTP/1.1\r\nHost: ${new URL(origin).host}\r\nOrigin: ${origin}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        'Content-Length: 100000\r\n\r\nemail=',
    );
    const sent = await trickle(conn, 'a'.repeat(16));
    expect(sent).toBeLessThan(patience);
    await conn.whenClosed;
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('leaves a body alone that arrives slowly but above the minimum rate', async () => {
    const conn = await openRaw(origin);
    const piece = 'y'.repeat(8 * 1024);
    const pieces = 8;
    conn.write(
      `POST /as2 HTTP/1.1\r\nHost: localhost\r\n${as2Headers('slow-honest@test')}` +
        `Content-Type: application/pkcs7-mime\r\nContent-Length: ${piece.length * pieces}\r\n\r\n`,
    );
    // 8 KiB every 500 ms: 16 KiB/s against a minimum of 1 KiB/s, for 4 s (well past the 1 s
    // grace). Even a writer stalled for seconds on a loaded machine stays far above the rate:
    // each piece buys 8 s. The server answers nothing before it has the whole body.
    for (let i = 0; i < pieces; i++) {
      expect(conn.received()).toBe('');
      expect(conn.write(piece)).toBe(true);
      await pause(500);
    }
    const answer = await conn.waitFor((t) => /\r\n\r\n/.test(t));
    // The body was read to its end and judged as an AS2 message (it is no CMS, so it is not
    // accepted), not cut off.
    expect(answer).toMatch(/^HTTP\/1\.1 \d{3}/);
    expect(answer).not.toMatch(/^HTTP\/1\.1 408/);
    const stored = await db.get<{ size: number }>("SELECT raw_size_bytes AS size FROM as2_messages WHERE message_id = 'slow-honest@test'");
    expect(stored?.size).toBe(piece.length * pieces);
    conn.close();
  });

  it('serves a large body sent at full speed and ordinary keep-alive requests', async () => {
    const size = 4 * 1024 * 1024;
    const res = await fetch(new URL('/as2', origin), {
      method: 'POST',
      headers: { 'as2-version': '1.2', 'as2-from': partnerAs2Id, 'as2-to': 'LOTBRIDGE', 'message-id': '<fast@test>', 'content-type': 'application/pkcs7-mime' },
      body: Buffer.alloc(size, 1),
    });
    expect(res.status).not.toBe(408);
    await res.body?.cancel();
    // Read to its end (and judged: it is no CMS).
    const stored = await db.get<{ size: number }>("SELECT raw_size_bytes AS size FROM as2_messages WHERE message_id = 'fast@test'");
    expect(stored?.size).toBe(size);
    const conn = await openRaw(origin);
    for (let i = 0; i < 3; i++) expect(await rawGet(conn, '/healthz')).toBe(200);
    conn.close();
  });
});

describe('connections per source address', () => {
  let server: RunningServer;
  const cap = 3;

  beforeAll(async () => {
    server = await startBuiltServer({ MAX_CONNECTIONS_PER_SOURCE: String(cap), KEEP_ALIVE_TIMEOUT_SECONDS: '120' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses the connection past the cap from one address at once, while another address is served', async () => {
    const held: RawConnection[] = [];
    for (let i = 0; i < cap; i++) {
      const conn = await openRaw(server.url);
      expect(await rawGet(conn, '/healthz')).toBe(200);
      held.push(conn);
    }
    const extra = await openRaw(server.url);
    const status = await rawGet(extra, '/healthz');
    await extra.whenClosed;
    expect(status === 503 || status === null).toBe(true);
    if (status === 503) expect(extra.received()).toMatch(/Retry-After: \d+/);

    // 127.0.0.2 is this machine too, but another source.
    const other = await openRaw(server.url, { localAddress: '127.0.0.2' });
    expect(await rawGet(other, '/healthz')).toBe(200);
    other.close();

    // A slot freed is a slot to use again.
    held.pop()!.close();
    let again: number | null = null;
    for (let tries = 0; tries < 50 && again !== 200; tries++) {
      await pause(100);
      const conn = await openRaw(server.url);
      again = await rawGet(conn, '/healthz');
      conn.close();
    }
    expect(again).toBe(200);
    held.forEach((c) => c.close());
  });
});

describe('connections per source behind a trusted proxy (TRUST_PROXY=true)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startBuiltServer({ TRUST_PROXY: 'true', MAX_CONNECTIONS_PER_SOURCE: '1', KEEP_ALIVE_TIMEOUT_SECONDS: '120' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("does not cap the proxy's own connections (from this machine), which carry every client", async () => {
    const held: RawConnection[] = [];
    for (let i = 0; i < 3; i++) {
      const conn = await openRaw(server.url);
      expect(await rawGet(conn, '/healthz')).toBe(200);
      held.push(conn);
    }
    held.forEach((c) => c.close());
  });
});
