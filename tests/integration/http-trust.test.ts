// What the portal and the gateway tell browsers and scrapers about trust, against the real
// built server: the page Content-Security-Policy (nonces, no inline scripts otherwise, no
// framing), the other security headers, HSTS and Secure cookies when the browser came over
// HTTPS through a proxy we trust (TRUST_PROXY) and not otherwise, and who may read /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { RunningServer } from '../support/server.ts';
import { startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';

const metricsToken = 'scrape-0b1e9c6d2f8a4e71';
const qa = demo('manufacturer_qa');

/** The directives of a CSP header, by name. */
function directives(csp: string | null): Record<string, string[]> {
  return Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

/** Signs in through the login form; the Set-Cookie header of the answer. */
async function signIn(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(new URL('/login', url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers },
    body: new URLSearchParams({ email: qa.email, password: demoPassword }),
  });
  await res.body?.cancel();
  expect(res.status).toBe(303);
  return res.headers.getSetCookie().find((c) => c.startsWith('lotbridge_session=')) ?? '';
}

describe('behind a TLS-terminating proxy we trust (TRUST_PROXY=true, METRICS_TOKEN set)', () => {
  let server: RunningServer;
  const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'portal.example.com', 'x-forwarded-for': '203.0.113.7' };

  beforeAll(async () => {
    server = await startBuiltServer({ TRUST_PROXY: 'true', METRICS_TOKEN: metricsToken });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gives pages a CSP whose scripts are ours or carry its nonce, forbids framing, and sends no Referer to other sites', async () => {
    const res = await fetch(new URL('/login', server.url));
    const html = await res.text();
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp['script-src']).toContain("'self'");
    expect(csp['script-src']).not.toContain("'unsafe-inline'");
    expect(csp['script-src']).not.toContain("'unsafe-eval'");
    const nonce = csp['script-src']!.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
    expect(nonce).toMatch(/^[A-Za-z0-9+/=_-]{16,}$/);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'self'"]);
    // Every inline script of the page carries that nonce.
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]!);
    expect(inline.length).toBeGreaterThan(0);
    for (const attrs of inline) expect(attrs).toContain(`nonce="${nonce}"`);
    // No Referer leaves for another site; same-origin ones stay, or form posts would carry `Origin: null`.
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    // This request came in plain HTTP straight to us: no HSTS.
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends HSTS and a Secure session cookie when the proxy says the browser came over HTTPS', async () => {
    const res = await fetch(new URL('/login', server.url), { headers: proxied });
    await res.body?.cancel();
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
    const cookie = await signIn(server.url, { ...proxied, origin: 'https://portal.example.com' });
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
  });

  it("believes the proxy's own value, the last of each forwarded header, not one a client put before it", async () => {
    // A proxy that appends (X-Forwarded-For style) keeps what the client sent in front.
    const appended = { 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'evil.example, portal.example.com', 'x-forwarded-for': '192.0.2.66, 203.0.113.7' };
    const res = await fetch(new URL('/login', server.url), { headers: appended });
    await res.body?.cancel();
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
    // The form's origin check holds the form against https://portal.example.com: the sign-in goes through.
    const cookie = await signIn(server.url, { ...appended, origin: 'https://portal.example.com' });
    expect(cookie).toMatch(/;\s*Secure/i);
    // A form from the host the client wrote first is another site.
    const forged = await fetch(new URL('/login', server.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...appended, origin: 'https://evil.example' },
      body: new URLSearchParams({ email: qa.email, password: demoPassword }),
    });
    await forged.body?.cancel();
    expect(forged.status).toBe(403);
  });

  it('answers /metrics to a loopback scraper, but a request the proxy forwarded needs the token', async () => {
    const direct = await fetch(new URL('/metrics', server.url));
    await direct.body?.cancel();
    expect(direct.status).toBe(200);
    const remote = await fetch(new URL('/metrics', server.url), { headers: proxied });
    expect(remote.status).toBe(401);
    expect(remote.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await remote.text()).not.toContain('lotbridge_http_requests_total');
    const wrong = await fetch(new URL('/metrics', server.url), { headers: { ...proxied, authorization: 'Bearer scrape-not-the-token-00' } });
    await wrong.body?.cancel();
    expect(wrong.status).toBe(401);
    const scraper = await fetch(new URL('/metrics', server.url), { headers: { ...proxied, authorization: `Bearer ${metricsToken}` } });
    expect(scraper.status).toBe(200);
    expect(await scraper.text()).toContain('lotbridge_http_requests_total');
  });

  it('gateway answers carry nosniff, no-referrer and a CSP that forbids framing', async () => {
    const res = await fetch(new URL('/healthz', server.url));
    await res.body?.cancel();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(directives(res.headers.get('content-security-policy'))['frame-ancestors']).toEqual(["'none'"]);
  });
});

describe('without TRUST_PROXY', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startBuiltServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('believes no forwarded header: no HSTS, no Secure cookie, and /metrics stays closed to forwarded requests', async () => {
    const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'portal.example.com' };
    const res = await fetch(new URL('/login', server.url), { headers: forged });
    await res.body?.cancel();
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const cookie = await signIn(server.url, { ...forged, origin: server.url });
    expect(cookie).not.toBe('');
    expect(cookie).not.toMatch(/;\s*Secure/i);
    const metrics = await fetch(new URL('/metrics', server.url), { headers: { 'x-forwarded-for': '203.0.113.7' } });
    await metrics.body?.cancel();
    expect(metrics.status).toBe(401);
  });
});
