import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/log.ts';
import { HttpMetrics } from '../../../shared/metrics.ts';
import type { GatewayEnv } from '../../env.ts';
import { requestId } from '../request-id/index.ts';
import { observe } from './index.ts';

/** An app with a parameterised route, observed into its own metrics and a logger that keeps its lines. */
function app(level: 'debug' | 'info' = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const metrics = new HttpMetrics();
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  a.use(observe({ log: () => createLogger(level, {}, (line) => lines.push(JSON.parse(line))), metrics }));
  a.get('/lots/:id', (c) => {
    c.get('log').info('reading a lot');
    return c.text('lot');
  });
  return { app: a, lines, metrics };
}

describe('observe', () => {
  it('counts a request under its route pattern, never its raw path; an unmatched one as "unmatched"', async () => {
    const { app: a, metrics } = app();
    await a.request('/lots/123');
    await a.request('/lots/456');
    await a.request('/nowhere/789');
    const text = metrics.render();
    expect(text).toContain('lotbridge_http_requests_total{route="/lots/:id",method="GET",status="200"} 2');
    expect(text).toContain('lotbridge_http_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(text).toContain('lotbridge_http_request_duration_seconds_count{route="/lots/:id"} 2');
    expect(text).not.toMatch(/\/lots\/\d|nowhere/);
  });

  it('writes one JSON line per request with its request id, and gives the handlers a logger that adds it too', async () => {
    const { app: a, lines } = app();
    await a.request('/lots/123', { headers: { 'X-Request-Id': 'edi-42' } });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'reading a lot', requestId: 'edi-42' }),
      expect.objectContaining({ level: 'debug', msg: 'request', requestId: 'edi-42', method: 'GET', path: '/lots/123', route: '/lots/:id', status: 200, ms: expect.any(Number) }),
    ]);
  });

  it('writes an answered request at debug only, a refused one at info: the default log shows refusals, not every request', async () => {
    const { app: a, lines } = app('info');
    await a.request('/lots/123', { headers: { 'X-Request-Id': 'edi-43' } });
    expect(lines).toEqual([expect.objectContaining({ level: 'info', msg: 'reading a lot', requestId: 'edi-43' })]);
    await a.request('/nowhere', { headers: { 'X-Request-Id': 'edi-44' } });
    expect(lines.slice(1)).toEqual([expect.objectContaining({ level: 'info', msg: 'request', requestId: 'edi-44', route: 'unmatched', status: 404 })]);
  });
});
