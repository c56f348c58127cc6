/**
 * Identifiers: a short readable prefix plus 20 random bytes in base32 ("usr_…", "org_…").
 * Random rather than sequential so ids leak neither counts nor order across organisations.
 */
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

export function randomBase32(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBase32(20)}`;
}
