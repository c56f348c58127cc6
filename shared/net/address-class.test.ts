import { describe, expect, it } from 'vitest';
import { classifyAddress, classifyHost, isInternal, parseIPv4, parseIPv6 } from './address-class.ts';

/** What a URL's host becomes after the WHATWG parser (the one fetch and Node's http client use). */
const hostOf = (url: string) => new URL(url).hostname;

describe('address classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
  ])('IPv4 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'reserved'],
    ['2001:4860:4860::8888', 'public'],
    ['2606:4700::1111', 'public'],
  ])('IPv6 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:101::1', 'private'],
  ])('IPv4 inside IPv6 %s is classed by its IPv4 address: %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['0x7f.1', [127, 0, 0, 1]],
    ['0x7f000001', [127, 0, 0, 1]],
    ['2130706433', [127, 0, 0, 1]],
    ['0177.0.0.1', [127, 0, 0, 1]],
    ['127.1', [127, 0, 0, 1]],
    ['0xa9.0xfe.0xa9.0xfe', [169, 254, 169, 254]],
    ['10.0.0.1.', [10, 0, 0, 1]],
  ])('reads IPv4 %s as the URL parser does', (text, bytes) => {
    expect(parseIPv4(text)).toEqual(bytes);
    expect(hostOf(`http://${text}/`)).toBe(bytes.join('.'));
  });

  it.each(['http://0x7f.1/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://LOCALHOST./', 'http://api.localhost/'])(
    '%s is loopback whether classed raw or after URL parsing',
    (url) => {
      const raw = url.slice('http://'.length, -1);
      expect(classifyHost(raw)).toBe('loopback');
      expect(classifyHost(hostOf(url))).toBe('loopback');
    },
  );

  it('leaves names that need DNS to the resolver', () => {
    expect(classifyHost('erp.example.com')).toBeNull();
    expect(classifyHost('localhost.example.com')).toBeNull();
  });

  it('refuses malformed literals as not public', () => {
    expect(parseIPv4('256.0.0.1')).toBeNull();
    expect(parseIPv4('1.2.3.4.5')).toBeNull();
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('12345::1')).toBeNull();
    expect(classifyAddress('4294967296')).toBe('reserved');
  });

  it('calls everything but public internal', () => {
    expect(isInternal('public')).toBe(false);
    for (const c of ['loopback', 'private', 'link-local', 'unique-local', 'unspecified', 'reserved'] as const) expect(isInternal(c)).toBe(true);
  });
});
