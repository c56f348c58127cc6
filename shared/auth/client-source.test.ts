import { describe, expect, it } from 'vitest';
import { sourceOf } from './client-source.ts';

describe('sourceOf', () => {
  it('keeps an IPv4 address, also when it arrives IPv4-mapped', () => {
    expect(sourceOf('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts an IPv6 address by its /64, whatever its spelling', () => {
    expect(sourceOf('2001:db8:aa:bb::1')).toBe('2001:db8:aa:bb::/64');
    expect(sourceOf('2001:0db8:00aa:00bb:ffff:1:2:3')).toBe('2001:db8:aa:bb::/64');
    expect(sourceOf('[2001:db8:aa:bb::42]')).toBe('2001:db8:aa:bb::/64');
    expect(sourceOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceOf('::1')).toBe('0:0:0:0::/64');
    expect(sourceOf('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });

  it('never fails on something that is not an address', () => {
    expect(sourceOf(undefined)).toBe('unknown');
    expect(sourceOf('')).toBe('unknown');
    expect(sourceOf('not an address')).toBe('other:not an address');
    expect(sourceOf('1:2:3')).toBe('other:1:2:3');
    expect(sourceOf('1::2::3')).toBe('other:1::2::3');
  });
});
