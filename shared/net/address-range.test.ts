import { describe, expect, it } from 'vitest';
import { inAddressRange, parseAddressRange } from './address-range.ts';

const range = (text: string) => parseAddressRange(text)!;

describe('address ranges (TRUSTED_PROXIES)', () => {
  it('reads single addresses and CIDR ranges, IPv4 and IPv6', () => {
    expect(parseAddressRange('203.0.113.7')).toEqual({ bytes: [203, 0, 113, 7], prefix: 32 });
    expect(parseAddressRange(' 203.0.113.0/24 ')).toEqual({ bytes: [203, 0, 113, 0], prefix: 24 });
    expect(parseAddressRange('2001:db8::/32')?.prefix).toBe(32);
    expect(parseAddressRange('2001:db8::1')?.prefix).toBe(128);
    for (const bad of ['', 'proxy.example', '203.0.113.0/33', '2001:db8::/129', '203.0.113.0/x', '203.0.113.0/24/1', '0x7f.1', '300.0.0.1']) {
      expect(parseAddressRange(bad), bad).toBeNull();
    }
  });

  it('matches addresses inside the range only, an IPv4-mapped peer as its IPv4 address', () => {
    expect(inAddressRange('203.0.113.200', range('203.0.113.0/24'))).toBe(true);
    expect(inAddressRange('::ffff:203.0.113.200', range('203.0.113.0/24'))).toBe(true);
    expect(inAddressRange('203.0.114.1', range('203.0.113.0/24'))).toBe(false);
    expect(inAddressRange('203.0.113.7', range('203.0.113.7'))).toBe(true);
    expect(inAddressRange('203.0.113.8', range('203.0.113.7'))).toBe(false);
    expect(inAddressRange('198.51.100.9', range('198.51.100.0/25'))).toBe(true);
    expect(inAddressRange('198.51.100.129', range('198.51.100.0/25'))).toBe(false);
    expect(inAddressRange('2001:db8:ffff::1', range('2001:db8::/32'))).toBe(true);
    expect(inAddressRange('2001:db9::1', range('2001:db8::/32'))).toBe(false);
    expect(inAddressRange('203.0.113.7', range('2001:db8::/32'))).toBe(false);
    expect(inAddressRange('anything', range('0.0.0.0/0'))).toBe(false);
    expect(inAddressRange('192.0.2.1', range('0.0.0.0/0'))).toBe(true);
  });
});
