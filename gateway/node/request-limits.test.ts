import { describe, expect, it } from 'vitest';
import { sourceKey } from './request-limits.ts';

describe('the source a connection counts against', () => {
  it('is the IPv4 address, also when a dual-stack socket reports it mapped', () => {
    expect(sourceKey('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 address: one client cannot open a new source per address', () => {
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
  });
});
