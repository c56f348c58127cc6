/**
 * Which kind of network an address belongs to, for every place that sends to an address
 * someone else chose (webhook endpoints, partner AS2 URLs, async MDN URLs) or trusts a peer
 * for being local (/metrics). Pure: no DNS here (see resolve-target.ts).
 *
 * Host names are read the way the WHATWG URL parser (and so fetch and Node's http client
 * given a URL) reads them: `0x7f.1`, `2130706433`, `0177.0.0.1` and `127.1` are all 127.0.0.1.
 */
export type AddressClass =
  | 'public'
  | 'loopback' // 127.0.0.0/8, ::1, localhost
  | 'private' // 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), fec0::/10 (site-local)
  | 'link-local' // 169.254/16 (cloud metadata lives here), fe80::/10
  | 'unique-local' // fc00::/7
  | 'unspecified' // 0.0.0.0/8, :: (0.0.0.0 reaches this machine on Linux)
  | 'reserved'; // multicast, broadcast, 240/4, benchmarking, IETF protocol assignments

/** Anything but a public address reaches into our own or our hosting provider's network. */
export function isInternal(c: AddressClass): boolean {
  return c !== 'public';
}

/** A WHATWG IPv4 number part: decimal, 0x hex, or 0-led octal. */
function ipv4Part(part: string): number | null {
  if (/^0[xX][0-9a-fA-F]*$/.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return null;
}

/** The four bytes of an IPv4 address in any form the URL parser accepts, or null. */
export function parseIPv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  if (parts.length === 0 || parts.length > 4 || parts.some((p) => p === '')) return null;
  const numbers = parts.map(ipv4Part);
  if (numbers.some((n) => n === null || !Number.isFinite(n))) return null;
  const nums = numbers as number[];
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return null;
  const bytes = [...nums];
  for (let i = 3 - nums.length; i >= 0; i--) bytes.push(Math.floor(last / 256 ** i) % 256);
  return bytes;
}

/** The sixteen bytes of an IPv6 address (brackets and a %zone allowed), or null. */
export function parseIPv6(host: string): number[] | null {
  let s = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  s = s.replace(/%.*$/, '');
  if (!s.includes(':')) return null;
  let tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = dotted[2]!.split('.').map(Number);
    if (v4.some((n) => n > 255)) return null;
    tail = v4;
    s = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (t: string) => (t === '' ? [] : t.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const wanted = (16 - tail.length) / 2;
  const missing = wanted - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const words = [...head, ...Array<string>(missing).fill('0'), ...rest].map((g) => parseInt(g, 16));
  return [...words.flatMap((w) => [w >> 8, w & 255]), ...tail];
}

function classifyV4([a, b, c]: number[]): AddressClass {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168) || (a === 100 && b! >= 64 && b! <= 127)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if ((a === 192 && b === 0 && c === 0) || (a === 198 && (b === 18 || b === 19)) || a! >= 224) return 'reserved';
  return 'public';
}

function classifyV6(x: number[]): AddressClass {
  const zeros = (from: number, to: number) => x.slice(from, to).every((v) => v === 0);
  if (zeros(0, 16)) return 'unspecified';
  if (zeros(0, 15) && x[15] === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d and the old IPv4-compatible ::a.b.c.d
  if (zeros(0, 10) && ((x[10] === 0xff && x[11] === 0xff) || (x[10] === 0 && x[11] === 0))) return classifyV4(x.slice(12));
  // NAT64 64:ff9b::/96 and 6to4 2002::/16 carry an IPv4 address that the network will reach.
  if (x[0] === 0 && x[1] === 0x64 && x[2] === 0xff && x[3] === 0x9b && zeros(4, 12)) return classifyV4(x.slice(12));
  if (x[0] === 0x20 && x[1] === 0x02) return classifyV4(x.slice(2, 6));
  if (x[0] === 0xfe && (x[1]! & 0xc0) === 0x80) return 'link-local';
  if (x[0] === 0xfe && (x[1]! & 0xc0) === 0xc0) return 'private';
  if ((x[0]! & 0xfe) === 0xfc) return 'unique-local';
  if (x[0] === 0xff) return 'reserved';
  if (x[0] === 0x01 && x[1] === 0 && zeros(2, 8)) return 'reserved'; // 100::/64 discard
  return 'public';
}

/** The class of an IP address literal (IPv4 in any URL form, IPv6 with or without brackets), or null for a name. */
export function classifyAddress(address: string): AddressClass | null {
  const v6 = parseIPv6(address);
  if (v6) return classifyV6(v6);
  // The URL parser reads a host as IPv4 when its last part is a number.
  const parts = address.replace(/\.$/, '').split('.');
  if (!/^(0[xX][0-9a-fA-F]*|[0-9]+)$/.test(parts.at(-1) ?? '')) return null;
  const v4 = parseIPv4(address);
  return v4 ? classifyV4(v4) : 'reserved'; // a number the URL parser would refuse: never public
}

/**
 * The class of a URL's host when it can be told without DNS: an address literal, or
 * `localhost` and any name under `.localhost` (RFC 6761: always this machine). Null for a name
 * that needs resolving.
 */
export function classifyHost(hostname: string): AddressClass | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  return classifyAddress(name);
}
