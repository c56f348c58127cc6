import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config.ts';
import { trustedPortalOrigin } from './portal-origin.ts';

type Event = Parameters<typeof trustedPortalOrigin>[0];

/** The parts of a request event trustedPortalOrigin reads, with a real configuration. */
function event(url: string, env: Record<string, string>, headers: Record<string, string> = {}): Event {
  return { url: new URL(url), request: new Request(url, { headers }), locals: { app: { config: loadConfig(env) } } } as unknown as Event;
}

describe('the origin of links we mail', () => {
  it('is PUBLIC_URL when set, whatever the request says', () => {
    expect(trustedPortalOrigin(event('https://evil.example/recalls/1', { PUBLIC_URL: 'https://portal.example.com' }))).toBe('https://portal.example.com');
  });

  it("behind TRUST_PROXY, the request's origin only when the Node entry marked it as forwarded by a trusted proxy", () => {
    const proxy = { TRUST_PROXY: 'true' };
    expect(trustedPortalOrigin(event('https://portal.example.com/recalls/1', proxy, { 'x-lotbridge-via-proxy': '1' }))).toBe('https://portal.example.com');
    // A client that reached the port directly: its Host is its own to choose.
    expect(trustedPortalOrigin(event('http://evil.example/recalls/1', proxy))).toBeNull();
  });

  it('on a loopback host (development), that origin; anywhere else without PUBLIC_URL, none', () => {
    expect(trustedPortalOrigin(event('http://localhost:3000/recalls/1', {}))).toBe('http://localhost:3000');
    expect(trustedPortalOrigin(event('http://evil.example/recalls/1', {}, { 'x-lotbridge-via-proxy': '1' }))).toBeNull();
  });
});
