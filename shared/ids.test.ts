import { describe, expect, it } from 'vitest';
import { newId, randomBase32 } from './ids.ts';

describe('newId', () => {
  it('gives distinct ids of 20 random bytes across many refills of the random pool', () => {
    // 2,000 ids draw 40,000 bytes: the 4 KiB pool is refilled about ten times.
    const ids = Array.from({ length: 2000 }, () => newId('rnt'));
    for (const id of ids) expect(id).toMatch(/^rnt_[a-z2-7]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(4, 12))).size).toBe(ids.length);
  });

  it('serves a request larger than the pool straight from the random source', () => {
    expect(randomBase32(5000)).toMatch(/^[a-z2-7]{8000}$/);
  });
});
