import { describe, expect, it } from 'vitest';
import { parseAddressRange } from '../../shared/net/address-range.ts';
import { effectiveRequest, isTrustedProxy, type ProxyTrust } from './forwarded.ts';

const trusting: ProxyTrust = { trustProxy: true, trustedProxies: [] };
const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'portal.example.com', 'x-forwarded-for': '198.51.100.23' };

describe('forwarded headers (TRUST_PROXY)', () => {
  it('are believed from a loopback or private peer, the proxy in front', () => {
    for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.5', '192.168.1.2', '172.20.0.3', 'fd00::5']) {
      expect(effectiveRequest(trusting, peer, proxied), peer).toEqual({ proto: 'https', host: 'portal.example.com', client: '198.51.100.23', viaProxy: true });
    }
  });

  it('are ignored from a public peer: a client that reaches the port directly forges neither its address nor the host', () => {
    for (const peer of ['203.0.113.9', '::ffff:203.0.113.9', '2001:db8::9', undefined]) {
      expect(effectiveRequest(trusting, peer, proxied), String(peer)).toEqual({ proto: 'http', client: peer ?? '', viaProxy: false });
    }
  });

  it('are believed from a public peer listed in TRUSTED_PROXIES, and from nobody without TRUST_PROXY', () => {
    const listed: ProxyTrust = { trustProxy: true, trustedProxies: [parseAddressRange('203.0.113.0/28')!, parseAddressRange('2001:db8:1::/48')!] };
    expect(effectiveRequest(listed, '203.0.113.9', proxied).client).toBe('198.51.100.23');
    expect(effectiveRequest(listed, '2001:db8:1:2::7', proxied).viaProxy).toBe(true);
    expect(effectiveRequest(listed, '203.0.113.17', proxied)).toEqual({ proto: 'http', client: '203.0.113.17', viaProxy: false });
    expect(isTrustedProxy({ ...listed, trustProxy: false }, '203.0.113.9')).toBe(false);
    expect(effectiveRequest({ trustProxy: false, trustedProxies: [] }, '127.0.0.1', proxied)).toEqual({ proto: 'http', client: '127.0.0.1', viaProxy: false });
  });

  it('take the last value of each header, the one our proxy set, not what the client put before it', () => {
    const appended = { 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'evil.example, portal.example.com', 'x-forwarded-for': '192.0.2.66, 198.51.100.23' };
    expect(effectiveRequest(trusting, '127.0.0.1', appended)).toEqual({ proto: 'https', host: 'portal.example.com', client: '198.51.100.23', viaProxy: true });
    const repeated = { 'x-forwarded-host': ['evil.example', 'portal.example.com'] } as unknown as Record<string, string>;
    expect(effectiveRequest(trusting, '127.0.0.1', repeated).host).toBe('portal.example.com');
  });

  it('ignore values that are not a scheme or a host, and fall back to the peer without X-Forwarded-For', () => {
    expect(effectiveRequest(trusting, '127.0.0.1', { 'x-forwarded-proto': 'gopher', 'x-forwarded-host': 'evil.example/path' })).toEqual({ proto: 'http', host: undefined, client: '127.0.0.1', viaProxy: true });
  });
});
