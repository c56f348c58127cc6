import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { metricsAccess } from './index.ts';

const metricsToken = 'scrape-7f3c9a1e5b2d4c6a';

/** /metrics behind the middleware; `peer` is the TCP peer as @hono/node-server reports it (none: not known). */
async function scrape(token: string | undefined, peer: string | undefined, headers: Record<string, string> = {}) {
  const a = new Hono();
  a.use(metricsAccess({ token: () => token }));
  a.get('/metrics', (c) => c.text('lotbridge_up 1'));
  const res = await a.request('/metrics', { headers }, peer ? { incoming: { socket: { remoteAddress: peer } } } : undefined);
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: res.status === 401 ? await res.json() : await res.text() };
}

describe('metricsAccess', () => {
  it('lets a bearer of METRICS_TOKEN in from anywhere, and no other token', async () => {
    for (const peer of ['203.0.113.9', '127.0.0.1', undefined]) {
      expect((await scrape(metricsToken, peer, { Authorization: `Bearer ${metricsToken}` })).status, String(peer)).toBe(200);
      expect((await scrape(metricsToken, peer, { Authorization: 'Bearer scrape-wrong-token-0000' })).status, String(peer)).toBe(401);
    }
  });

  it('lets a scraper on this machine in without a token: a loopback peer that no proxy forwarded', async () => {
    for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect((await scrape(undefined, peer)).status, peer).toBe(200);
    expect((await scrape(metricsToken, '127.0.0.1')).status).toBe(200);
  });

  it('refuses a forwarded request from loopback (behind a proxy everyone is loopback), a remote or unknown peer, and a loopback one with a wrong token', async () => {
    for (const header of ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']) {
      expect((await scrape(undefined, '127.0.0.1', { [header]: '198.51.100.23' })).status, header).toBe(401);
    }
    expect((await scrape(undefined, '203.0.113.9')).status).toBe(401);
    expect((await scrape(undefined, '10.0.0.5')).status).toBe(401);
    expect((await scrape(undefined, undefined)).status).toBe(401);
    expect((await scrape(metricsToken, '127.0.0.1', { Authorization: 'Bearer scrape-wrong-token-0000' })).status).toBe(401);
  });

  it('answers a refusal with a Bearer challenge and a problem that says what would let the scraper in', async () => {
    const withToken = await scrape(metricsToken, '203.0.113.9');
    expect(withToken).toMatchObject({ status: 401, challenge: 'Bearer realm="metrics"', body: { status: 401, title: 'unauthorized', detail: 'send Authorization: Bearer with the METRICS_TOKEN' } });
    const without = await scrape(undefined, '203.0.113.9', { Authorization: 'Bearer anything-at-all-0000' });
    expect(without).toMatchObject({ status: 401, challenge: 'Bearer realm="metrics"', body: { detail: '/metrics answers scrapers on this machine only; set METRICS_TOKEN to scrape from elsewhere' } });
  });
});
