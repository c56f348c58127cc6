// The gateway its middleware makes up; each middleware's own behaviour is tested beside it
// (middleware/<name>/index.test.ts).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, isGatewayPath } from './app.ts';
import { openDb } from '../shared/db/index.ts';
import { migrate } from '../shared/db/migrate.ts';
import { loadConfig } from '../shared/config.ts';
import { createLogger } from '../shared/log.ts';
import { systemClock } from '../shared/clock.ts';
import type { AppContext } from '../shared/context.ts';
import { LocalFileStorage } from '../shared/files/local-file-storage.ts';

const dir = mkdtempSync(join(tmpdir(), 'lotbridge-gateway-'));
const metricsToken = 'scrape-7f3c9a1e5b2d4c6a';
const lines: Record<string, unknown>[] = [];
let ctx: AppContext;

beforeAll(async () => {
  const db = openDb(`file:${join(dir, 'test.db')}`);
  await migrate(db, join(import.meta.dirname, '../migrations'));
  const config = loadConfig({});
  ctx = { db, clock: systemClock, policy: config.policy, config, log: createLogger('debug', {}, (line) => lines.push(JSON.parse(line))), files: new LocalFileStorage(join(dir, 'uploads')) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gateway', () => {
  it('answers /healthz after checking the database', async () => {
    const res = await createGateway(() => ctx).request('/healthz');
    expect(res.status).toBe(200);
    const migrations = readdirSync(join(import.meta.dirname, '../migrations')).filter((f) => f.endsWith('.sql')).length;
    expect(await res.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok', migrationsApplied: migrations } } });
  });

  it('answers 503 problem+json when the database is unreachable', async () => {
    const broken = openDb(`file:${join(dir, 'empty.db')}`); // no migrations: the check's query fails
    const res = await createGateway(() => ({ ...ctx, db: broken })).request('/healthz');
    broken.close();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 503, title: 'unhealthy' });
  });

  it('gives every request an id, echoes a sane one, and logs it as JSON', async () => {
    lines.length = 0;
    const gw = createGateway(() => ctx);
    const fresh = await gw.request('/healthz');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await gw.request('/healthz', { headers: { 'X-Request-Id': 'edi-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('edi-42');
    expect(lines.find((l) => l.requestId === 'edi-42')).toMatchObject({ level: 'debug', msg: 'request', route: '/healthz', status: 200, method: 'GET' });
  });

  it('counts requests for /metrics by route pattern, not raw path', async () => {
    const gw = createGateway(() => ({ ...ctx, config: { ...ctx.config, metricsToken } }));
    await gw.request('/api/v1/things/123');
    const text = await (await gw.request('/metrics', { headers: { Authorization: `Bearer ${metricsToken}` } })).text();
    expect(text).toMatch(/lotbridge_http_requests_total\{route="unmatched",method="GET",status="404"\} \d+/);
    expect(text).not.toContain('/api/v1/things/123');
    expect(text).toContain('lotbridge_webhook_deliveries{state="pending"} 0');
    expect(text).toContain('lotbridge_outbox_waiting_events 0');
  });

  it('answers unknown paths with RFC 9457 problem+json', async () => {
    const res = await createGateway(() => ctx).request('/api/v1/nothing', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ type: 'about:blank', title: 'not found', status: 404, instance: '/api/v1/nothing' });
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
  });
});

describe('isGatewayPath', () => {
  it('claims the machine paths and leaves the portal its own', () => {
    for (const p of ['/healthz', '/metrics', '/as2', '/as2/in', '/api/v1/lots', '/erp/webhooks']) expect(isGatewayPath(p), p).toBe(true);
    for (const p of ['/', '/login', '/healthzz', '/apiary', '/home', '/metrics-dashboard']) expect(isGatewayPath(p), p).toBe(false);
  });
});
