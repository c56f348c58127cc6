import { describe, expect, it } from 'vitest';
import { asyncMdnUrlProblem, isInternalAddress, resolveAsyncMdnAddress } from './async-mdn-destination.ts';

const internet = { as2Url: 'https://as2.acme.example/as2', asyncMdnHosts: '', asyncMdnPrivate: false };

describe('internal addresses', () => {
  it('loopback, private, link-local, CGNAT, unspecified, multicast, unique-local and IPv4-mapped ones are internal', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '[::1]', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(isInternalAddress(a), a).toBe(true);
    }
  });

  it('public addresses and host names are not (host names are resolved before they are judged)', () => {
    for (const a of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', 'as2.acme.example']) expect(isInternalAddress(a), a).toBe(false);
  });
});

describe('async MDN URLs', () => {
  it('go to the host of the partner AS2 URL or an allowed host only', () => {
    expect(asyncMdnUrlProblem(internet, 'https://as2.acme.example/mdn')).toBeUndefined();
    expect(asyncMdnUrlProblem(internet, 'https://evil.example/mdn')).toContain('not one the partner profile allows');
    expect(asyncMdnUrlProblem({ ...internet, asyncMdnHosts: 'mdn.acme.example' }, 'https://MDN.acme.example/x')).toBeUndefined();
    expect(asyncMdnUrlProblem({ as2Url: null, asyncMdnHosts: '', asyncMdnPrivate: false }, 'https://as2.acme.example/')).toContain('allows no host');
  });

  it('use HTTP or HTTPS only', () => {
    for (const url of ['ftp://as2.acme.example/mdn', 'file://as2.acme.example/etc/passwd', 'gopher://as2.acme.example:443/x', 'ws://as2.acme.example/mdn']) {
      expect(asyncMdnUrlProblem(internet, url), url).toContain('http:// or https://');
    }
    expect(asyncMdnUrlProblem(internet, 'not a url')).toContain('not a URL');
  });

  it("go to the port of the partner's AS2 URL on its host, unless the profile lists host:port", () => {
    // https://as2.acme.example/as2 is port 443.
    expect(asyncMdnUrlProblem(internet, 'https://as2.acme.example:443/mdn')).toBeUndefined();
    for (const url of ['https://as2.acme.example:4443/mdn', 'http://as2.acme.example/mdn', 'http://as2.acme.example:22/', 'https://as2.acme.example:6379/']) {
      expect(asyncMdnUrlProblem(internet, url), url).toContain('port');
    }
    expect(asyncMdnUrlProblem({ ...internet, as2Url: 'http://as2.acme.example:4080/as2' }, 'https://as2.acme.example:4080/mdn')).toBeUndefined();
    expect(asyncMdnUrlProblem({ ...internet, as2Url: 'http://as2.acme.example:4080/as2' }, 'http://as2.acme.example/mdn')).toContain('port');
    const listed = { ...internet, asyncMdnHosts: 'as2.acme.example:4443' };
    expect(asyncMdnUrlProblem(listed, 'https://as2.acme.example:4443/mdn')).toBeUndefined();
    expect(asyncMdnUrlProblem(listed, 'https://as2.acme.example/mdn')).toBeUndefined();
    expect(asyncMdnUrlProblem(listed, 'https://as2.acme.example:4444/mdn')).toContain('port');
  });

  it('a listed host without a port allows the default port of the scheme only; host:port that port', () => {
    const bare = { ...internet, asyncMdnHosts: 'mdn.acme.example [2001:db8::1]' };
    expect(asyncMdnUrlProblem(bare, 'https://mdn.acme.example/x')).toBeUndefined();
    expect(asyncMdnUrlProblem(bare, 'http://mdn.acme.example/x')).toBeUndefined();
    expect(asyncMdnUrlProblem(bare, 'https://[2001:db8::1]/x')).toBeUndefined();
    for (const url of ['https://mdn.acme.example:8443/x', 'http://mdn.acme.example:443/x', 'https://mdn.acme.example:80/x', 'https://[2001:db8::1]:8443/x']) {
      expect(asyncMdnUrlProblem(bare, url), url).toContain('port');
    }
    const ported = { ...internet, asyncMdnHosts: 'mdn.acme.example:8443 [2001:db8::1]:8443' };
    expect(asyncMdnUrlProblem(ported, 'https://mdn.acme.example:8443/x')).toBeUndefined();
    expect(asyncMdnUrlProblem(ported, 'https://[2001:db8::1]:8443/x')).toBeUndefined();
    expect(asyncMdnUrlProblem(ported, 'https://mdn.acme.example/x')).toContain('port');
  });

  it('never to an internal address literal unless the profile allows it', () => {
    const loopback = { ...internet, asyncMdnHosts: '127.0.0.1:8080 [::1]:8080' };
    expect(asyncMdnUrlProblem(loopback, 'http://127.0.0.1:8080/mdn')).toContain('loopback, private or link-local');
    expect(asyncMdnUrlProblem(loopback, 'http://[::1]:8080/mdn')).toContain('loopback, private or link-local');
    expect(asyncMdnUrlProblem({ ...loopback, asyncMdnPrivate: true }, 'http://127.0.0.1:8080/mdn')).toBeUndefined();
  });

  it('a host name is resolved at send time and every address checked', async () => {
    const named = { ...internet, asyncMdnHosts: 'localhost:9' };
    const refused = await resolveAsyncMdnAddress(named, 'http://localhost:9/mdn');
    expect('problem' in refused && refused.problem).toMatch(/localhost resolves to .*loopback/);
    const allowed = await resolveAsyncMdnAddress({ ...named, asyncMdnPrivate: true }, 'http://localhost:9/mdn');
    expect('address' in allowed && allowed.address !== null && isInternalAddress(allowed.address)).toBe(true);
  });

  it('where no names resolve (Workers) a permitted host name is sent to by name, and literals are judged as on Node', async () => {
    const named = { ...internet, asyncMdnHosts: 'localhost:9 10.0.0.7:9' };
    expect(await resolveAsyncMdnAddress(named, 'http://localhost:9/mdn', null)).toEqual({ address: null });
    expect(await resolveAsyncMdnAddress(named, 'https://evil.example/mdn', null)).toMatchObject({ problem: expect.stringContaining('not one the partner profile allows') });
    expect(await resolveAsyncMdnAddress(named, 'http://10.0.0.7:9/mdn', null)).toMatchObject({ problem: expect.stringContaining('loopback, private or link-local') });
    expect(await resolveAsyncMdnAddress({ ...named, asyncMdnPrivate: true }, 'http://10.0.0.7:9/mdn', null)).toEqual({ address: '10.0.0.7', family: 4 });
  });
});
