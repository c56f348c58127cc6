/**
 * IP addresses and CIDR ranges an operator names (TRUSTED_PROXIES): "203.0.113.7",
 * "203.0.113.0/24", "2001:db8::1", "2001:db8::/32". IPv4 is written in dotted decimal only
 * here (no 0x7f.1 forms: a setting should read as what it is); an IPv4-mapped IPv6 peer
 * (::ffff:203.0.113.7) matches the IPv4 range.
 */
import { parseIPv4, parseIPv6 } from './address-class.ts';

export interface AddressRange {
  /** 4 bytes (IPv4) or 16 (IPv6). */
  bytes: number[];
  /** Leading bits that must match. */
  prefix: number;
}

/** The bytes of an address: dotted IPv4, or IPv6 (an IPv4-mapped one as its IPv4 bytes); null otherwise. */
function addressBytes(text: string): number[] | null {
  const s = text.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return parseIPv4(s);
  const v6 = parseIPv6(s);
  if (!v6) return null;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 255 && v6[11] === 255;
  return mapped ? v6.slice(12) : v6;
}

/** "address" or "address/prefix" → the range, or null when it is neither. */
export function parseAddressRange(text: string): AddressRange | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length) return null;
  const bytes = addressBytes(address);
  if (!bytes) return null;
  const max = bytes.length * 8;
  if (prefixText === undefined) return { bytes, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return null;
  return { bytes, prefix: Number(prefixText) };
}

/** True when `address` (as a socket reports it) lies in `range`. */
export function inAddressRange(address: string, range: AddressRange): boolean {
  const bytes = addressBytes(address);
  if (!bytes || bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const bits = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((bytes[bit / 8]! & mask) !== (range.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}
