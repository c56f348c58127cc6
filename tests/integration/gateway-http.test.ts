import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '../support/database.ts';
import { runCli, tempDir, type RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';

const migrationCount = readdirSync(migrationsDir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).length;

/** Waits for the server to print a line that satisfies `match` (bounded by the test timeout). */
async function waitForLine(lines: () => string[], match: (line: string) => boolean): Promise<string> {
  for (;;) {
    const found = lines().find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function counter(metrics: string, labels: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`lotbridge_http_requests_total{${labels}} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('gateway and shared HTTP behaviour of `lotbridge serve`', () => {
  let server: RunningServer;
  let stdout = '';
  const stdoutLines = () => stdout.split('\n').filter(Boolean);

  beforeAll(async () => {
    server = await startBuiltServer({ LOG_LEVEL: 'debug' });
    server.process.stdout!.on('data', (d) => (stdout += d));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, server.url), { headers, redirect: 'manual' });

  it('GET /healthz is 200 JSON with status ok and the database check', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', checks: { database: { status: 'ok', migrationsApplied: migrationCount } } });
  });

  it('/metrics is Prometheus text that counts /healthz and has a latency histogram', async () => {
    const before = await (await get('/metrics')).text();
    await (await get('/healthz')).body?.cancel();
    await (await get('/healthz')).body?.cancel();

    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE lotbridge_http_requests_total counter');
    expect(text).toContain('# TYPE lotbridge_http_request_duration_seconds histogram');
    const labels = 'route="/healthz",method="GET",status="200"';
    expect(counter(text, labels)).toBe(counter(before, labels) + 2);
    expect(text).toMatch(/^lotbridge_http_request_duration_seconds_bucket\{route="\/healthz",le="0\.005"\} \d+$/m);
    expect(text).toMatch(/^lotbridge_http_request_duration_seconds_bucket\{route="\/healthz",le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^lotbridge_http_request_duration_seconds_count\{route="\/healthz"\} \d+$/m);
    // Every line is a comment or a sample: `name{labels} value`.
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) .+|[a-z_]+(\{[^}]*\})? [0-9.e+-]+)$/);
  });

  it('labels portal requests by route pattern, not by raw path', async () => {
    const client = new BrowserClient(server.url);
    const db = openServerDb(server);
    try {
      await signInDirectly(client, db, 'supplier@suzhou-precision.example');
    } finally {
      db.close();
    }
    await (await client.get('/login')).body?.cancel(); // signed in: redirected home
    const other = await client.get('/organisations/org_probe_one');
    await other.body?.cancel();
    expect(other.status).toBe(404);

    const text = await (await get('/metrics')).text();
    expect(counter(text, 'route="/organisations/[id]",method="GET",status="404"')).toBe(1);
    expect(text).not.toContain('org_probe_one');
  });

  const requestIdCases: [string, string, number][] = [
    ['gateway: /healthz', '/healthz', 200],
    ['gateway: /metrics', '/metrics', 200],
    ['gateway: unknown API path', '/api/v1/nope', 404],
    ['portal: the login page', '/login', 200],
    ['portal: an unknown page', '/no-such-page', 404],
    ['portal: the sign-in redirect of a protected page', '/home', 303],
    ['portal: a static file', '/favicon.svg', 200],
  ];

  it.each(requestIdCases)('%s carries an X-Request-Id and echoes a sane incoming one', async (_name, path, status) => {
    const fresh = await get(path);
    await fresh.body?.cancel();
    expect(fresh.status).toBe(status);
    expect(fresh.headers.has('x-request-id'), `X-Request-Id on ${path}`).toBe(true);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);

    const echoed = await get(path, { 'x-request-id': 'it-trace.0042:abc' });
    await echoed.body?.cancel();
    expect(echoed.headers.get('x-request-id')).toBe('it-trace.0042:abc');
  });

  it('replaces an incoming X-Request-Id that is not sane', async () => {
    for (const path of ['/healthz', '/login']) {
      const res = await get(path, { 'x-request-id': 'bad id with spaces <script>' });
      await res.body?.cancel();
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers an unknown API path with 404 problem+json', async () => {
    const res = await get('/api/v1/nope', { 'x-request-id': 'problem-probe-1' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 404, detail: expect.stringContaining('/api/v1/nope'), instance: '/api/v1/nope' });
    expect(body.requestId).toBe('problem-probe-1');
  });

  it('lets machine clients post form-typed bodies to the gateway (no browser CSRF check on /api, /erp, /as2)', async () => {
    // A partner system sends no Origin header; an upload API takes multipart/form-data, a
    // webhook may be text/plain. Such posts are the gateway's to answer, as problem+json.
    const form = new FormData();
    form.set('file', new Blob(['%PDF-1.4 certificate'], { type: 'application/pdf' }), 'iso13485.pdf');
    for (const [path, body] of [
      ['/api/v1/nope', form],
      ['/erp/webhooks/nope', 'plain text event'],
    ] as const) {
      const res = await fetch(new URL(path, server.url), { method: 'POST', body, redirect: 'manual' });
      expect(res.headers.get('content-type'), `POST ${path}`).toBe('application/problem+json');
      expect(res.status).toBe(404);
      await res.body?.cancel();
    }
  });

  it('writes one JSON log line per request on stdout at debug level, with its request id', async () => {
    await (await get('/healthz', { 'x-request-id': 'log-probe-gateway-1' })).body?.cancel();
    await (await get('/login', { 'x-request-id': 'log-probe-portal-1' })).body?.cancel();

    for (const [id, route, path] of [
      ['log-probe-gateway-1', '/healthz', '/healthz'],
      ['log-probe-portal-1', '/login', '/login'],
    ] as const) {
      const line = await waitForLine(stdoutLines, (l) => l.includes(`"${id}"`));
      const entry = JSON.parse(line);
      expect(entry).toMatchObject({ level: 'debug', msg: 'request', service: 'lotbridge', requestId: id, method: 'GET', path, route, status: 200 });
      expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
      expect(stdoutLines().filter((l) => l.includes(`"${id}"`))).toHaveLength(1);
    }
    // Every line the server printed since start-up that looks like JSON is one whole JSON object.
    for (const line of stdoutLines().filter((l) => l.startsWith('{'))) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('`lotbridge serve` as a process', () => {
  it('exits 2 with one line naming PORT when PORT is not a number', async () => {
    const tmp = tempDir();
    try {
      const result = await runCli(['serve'], { PORT: 'abc', DATABASE_URL: `file:${join(tmp.dir, 'lotbridge.db')}` });
      expect(result.code).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('PORT');
      expect(lines[0]).toContain('abc');
    } finally {
      tmp.remove();
    }
  });

  it('stops on SIGTERM with exit code 0, also with a kept-alive connection open', async () => {
    const server = await startBuiltServer();
    try {
      const res = await fetch(new URL('/healthz', server.url));
      expect(res.status).toBe(200);
      await res.text();

      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        server.process.once('exit', (code, signal) => resolve({ code, signal })),
      );
      server.process.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(server.output()).toContain('Stopped.');
    } finally {
      await server.stop();
    }
  });
});
