import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Released migrations are never edited (databases record their checksums and refuse to start
// on a mismatch). migrations/SHA256SUMS pins each file: a new migration adds its line, an
// edit of an old one fails here before it fails on someone's database.
const dir = join(import.meta.dirname, '../../migrations');

describe('migrations', () => {
  const pinned = new Map(
    readFileSync(join(dir, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/))
      .map(([sum, name]) => [name!, sum!]),
  );

  it('are all pinned in SHA256SUMS', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    expect([...pinned.keys()].sort()).toEqual(files);
  });

  it.each([...pinned])('%s is unchanged since it was pinned', (name, sum) => {
    expect(createHash('sha256').update(readFileSync(join(dir, name))).digest('hex')).toBe(sum);
  });
});
