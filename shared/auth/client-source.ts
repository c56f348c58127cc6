/**
 * The "source" failed sign-ins are counted against: the client's IP address as the server
 * saw it, an IPv4-mapped IPv6 address as its IPv4 form, and an IPv6 address by its /64
 * network (one subscriber usually holds a whole /64, so rotating within it gains nothing).
 */
export function sourceOf(address: string | null | undefined): string {
  const raw = (address ?? '').trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!raw) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(raw);
  if (mapped) return mapped[1]!;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(raw)) return raw;
  const groups = expandIpv6(raw);
  if (!groups) return `other:${raw.slice(0, 64)}`;
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address (lower case, no leading zeros), or null when it is not one. */
function expandIpv6(text: string): string[] | null {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.split('::').length > 2) return null;
  const [head = '', tail] = text.split('::');
  const part = (s: string) => (s ? s.split(':') : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  // A trailing dotted IPv4 part counts as two hextets.
  const last = (tail === undefined ? left : right).at(-1);
  if (last?.includes('.')) {
    const o = last.split('.').map(Number);
    if (o.length !== 4 || o.some((n) => !(n >= 0 && n <= 255))) return null;
    const list = tail === undefined ? left : right;
    list.splice(-1, 1, ((o[0]! << 8) | o[1]!).toString(16), ((o[2]! << 8) | o[3]!).toString(16));
  }
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return all.map((g) => parseInt(g, 16).toString(16));
}
