import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './index.ts';

function app() {
  const a = new Hono();
  a.use(securityHeaders());
  a.get('/text', (c) => c.text('ok'));
  a.get('/own-csp', (c) => c.text('ok', 200, { 'Content-Security-Policy': "default-src 'self'" }));
  a.get('/boom', () => {
    throw new Error('boom');
  });
  a.onError((_e, c) => c.json({ error: true }, 500));
  return a;
}

describe('securityHeaders', () => {
  it('puts nosniff, no-referrer and a CSP that forbids framing on every answer: a page, a 404, an error', async () => {
    for (const path of ['/text', '/nothing', '/boom']) {
      const res = await app().request(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('content-security-policy'), path).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('leaves a Content-Security-Policy the handler set itself', async () => {
    const res = await app().request('/own-csp');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
