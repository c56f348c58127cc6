/**
 * Identifiers: a short readable prefix plus 20 random bytes in base32 ("usr_…", "org_…").
 * Random rather than sequential so ids leak neither counts nor order across organisations.
 */
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

// Random bytes drawn 4 KiB at a time and handed out once each: a call to the system's random
// source per id was a tenth of a recall release's time (an id per notice, mail and event).
const pool = new Uint8Array(4096);
let poolUsed = pool.length;

/** `n` random bytes from the pool, each byte handed out once (ids, a sealed value's IV). */
export function pooledRandomBytes(n: number): Uint8Array {
  if (n > pool.length) return crypto.getRandomValues(new Uint8Array(n));
  if (poolUsed + n > pool.length) {
    crypto.getRandomValues(pool);
    poolUsed = 0;
  }
  const out = pool.slice(poolUsed, poolUsed + n);
  poolUsed += n;
  return out;
}

export function randomBase32(bytes: number): string {
  const buf = pooledRandomBytes(bytes);
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
