// Keyset pages in a total order (key, id): to the end without repeats or gaps, also when rows
// sharing a key span pages and when rows are added between pages. Real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from './index.ts';
import { keysetRows, type KeysetAfter } from './keyset-rows.ts';

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lotbridge-keyset-'));
  db = openDb(`file:${join(dir, 't.db')}`);
  await db.run('CREATE TABLE t (id TEXT PRIMARY KEY, day TEXT, owner TEXT NOT NULL)');
  // owner a: 7 rows, three of them on one day and one without a day; owner b: one row, never listed for a.
  const rows = [
    ['r1', '2026-01-01', 'a'],
    ['r2', '2026-01-02', 'a'],
    ['r3', '2026-01-02', 'a'],
    ['r4', '2026-01-02', 'a'],
    ['r5', null, 'a'],
    ['r6', '2026-01-05', 'a'],
    ['r7', '2026-01-06', 'a'],
    ['x1', '2026-01-03', 'b'],
  ];
  await db.transaction(async (tx) => {
    for (const r of rows) await tx.run('INSERT INTO t (id, day, owner) VALUES (?, ?, ?)', r);
  });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const page = (after: KeysetAfter | null, order: 'ASC' | 'DESC', limit = 3) =>
  keysetRows<{ id: string; keyset_key: string; keyset_id: string }>(db, {
    select: 't.id',
    from: 'FROM t',
    where: 't.owner = ?',
    args: ['a'],
    key: "COALESCE(t.day, '')",
    id: 't.id',
    order,
    after,
    limit,
  });

async function all(order: 'ASC' | 'DESC', limit: number, between?: (n: number) => Promise<void>) {
  const seen: string[] = [];
  let after: KeysetAfter | null = null;
  for (let n = 0; n < 20; n++) {
    const p = await page(after, order, limit);
    seen.push(...p.rows.map((r) => r.id));
    if (!p.next) return seen;
    after = p.next;
    await between?.(n);
  }
  throw new Error('no last page');
}

describe('keysetRows', () => {
  it('pages to the end in both orders, rows without a day first ascending, ties by id', async () => {
    expect(await all('ASC', 3)).toEqual(['r5', 'r1', 'r2', 'r3', 'r4', 'r6', 'r7']);
    expect(await all('DESC', 2)).toEqual(['r7', 'r6', 'r4', 'r3', 'r2', 'r1', 'r5']);
  });

  it('says there is no next page when the last page is exactly full', async () => {
    const first = await page(null, 'ASC', 7);
    expect(first.rows).toHaveLength(7);
    expect(first.next).toBeNull();
    const second = await page(null, 'ASC', 6);
    expect(second.next).toEqual({ key: '2026-01-05', id: 'r6' });
  });

  it('neither repeats nor skips a row when rows are added before and after the cursor between pages', async () => {
    const seen = await all('ASC', 2, async (n) => {
      // One row sorts before what was read (not shown: it was not there when those pages were read), one after.
      await db.run('INSERT INTO t (id, day, owner) VALUES (?, ?, ?)', [`early${n}`, '2025-12-01', 'a']);
      await db.run('INSERT INTO t (id, day, owner) VALUES (?, ?, ?)', [`late${n}`, '2026-02-01', 'a']);
    });
    expect(seen.slice(0, 7)).toEqual(['r5', 'r1', 'r2', 'r3', 'r4', 'r6', 'r7']);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(7).every((id) => id.startsWith('late'))).toBe(true);
    // Every row added after the cursor is read, in its place; none added before it.
    const late = (await db.all<{ id: string }>("SELECT id FROM t WHERE id LIKE 'late%' ORDER BY id")).map((r) => r.id);
    expect(late.length).toBeGreaterThan(1);
    expect(seen.slice(7)).toEqual(late);
  });
});
