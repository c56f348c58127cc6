import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestId, type RequestIdOptions } from './index.ts';

/** A handler that answers with the id the middleware gave it. */
function app(options?: RequestIdOptions) {
  const a = new Hono<{ Variables: { requestId: string } }>();
  a.use(requestId(options));
  a.get('/', (c) => c.text(c.get('requestId')));
  return a;
}

describe('requestId', () => {
  it('gives a request without one a fresh UUID, the same on the response as in the handlers', async () => {
    const first = await app().request('/');
    const second = await app().request('/');
    expect(first.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await first.text()).toBe(first.headers.get('x-request-id'));
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
  });

  it('keeps a sane id from upstream and replaces one that is not (spaces, markup, over 128 characters)', async () => {
    const kept = await app().request('/', { headers: { 'X-Request-Id': 'edi-42:retry.1' } });
    expect([kept.headers.get('x-request-id'), await kept.text()]).toEqual(['edi-42:retry.1', 'edi-42:retry.1']);
    for (const insane of ['two words', '<script>', 'x'.repeat(129)]) {
      const res = await app().request('/', { headers: { 'X-Request-Id': insane } });
      expect(res.headers.get('x-request-id'), insane).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('reads and echoes the header it is told to', async () => {
    const res = await app({ header: 'X-Correlation-Id' }).request('/', { headers: { 'X-Correlation-Id': 'corr-7', 'X-Request-Id': 'ignored' } });
    expect(res.headers.get('x-correlation-id')).toBe('corr-7');
    expect(res.headers.get('x-request-id')).toBeNull();
  });
});
