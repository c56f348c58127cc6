// KeysetAfter pages in the total order (key, id): to the end without a repeat or a gap, both ways,
// with equal keys across a page boundary and rows added between pages. Real SQLite file.
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
  await db.run('CREATE TABLE t (id TEXT PRIMARY KEY, day TEXT NOT NULL, owner TEXT NOT NULL)');
  // owner a: 7 rows on 3 days (equal keys everywhere); owner b: one row, never listed for a.
  await db.transaction(async (tx) => {
    for (const [id, day] of [['r1', '2026-01-01'], ['r2', '2026-01-02'], ['r3', '2026-01-02'], ['r4', '2026-01-02'], ['r5', '2026-01-03'], ['r6', '2026-01-03'], ['r7', '2026-01-01']]) {
      await tx.run("INSERT INTO t (id, day, owner) VALUES (?, ?, 'a')", [id!, day!]);
    }
    await tx.run("INSERT INTO t (id, day, owner) VALUES ('b1', '2026-01-02', 'b')");
  });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const page = (order: 'asc' | 'desc', after: KeysetAfter | null, limit = 3) =>
  keysetRows<{ id: string; day: string }>(db, { select: 't.id, t.day', from: 'FROM t', where: ['t.owner = ?'], args: ['a'], key: 't.day', id: 't.id', order, after, limit });

async function all(order: 'asc' | 'desc', between?: (n: number) => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  let after: KeysetAfter | null = null;
  for (let n = 0; n < 20; n++) {
    const { rows, next } = await page(order, after);
    ids.push(...rows.map((r) => r.id));
    if (!next) return ids;
    expect(rows.length).toBe(3);
    expect(next).toEqual({ key: rows.at(-1)!.day, id: rows.at(-1)!.id });
    after = next;
    await between?.(n);
  }
  throw new Error('no end');
}

describe('keysetRows', () => {
  it('pages to the end in (key, id) order, newest first or oldest first, only the rows asked for', async () => {
    expect(await all('desc')).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r7', 'r1']);
    expect(await all('asc')).toEqual(['r1', 'r7', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });

  it('answers no next page when the last page is exactly full', async () => {
    const { rows, next } = await keysetRows<{ id: string }>(db, { select: 't.id', from: 'FROM t', where: ["t.owner = 'a'"], args: [], key: 't.day', id: 't.id', order: 'asc', after: null, limit: 7 });
    expect(rows).toHaveLength(7);
    expect(next).toBeNull();
    expect(rows[0]).toEqual({ id: 'r1' });
  });

  it('neither repeats nor skips a row when rows are added between pages', async () => {
    const seen = await all('desc', async (n) => {
      // Before the second page: one row behind the cursor (already passed), one ahead of it.
      if (n === 0) await db.run("INSERT INTO t (id, day, owner) VALUES ('r8', '2026-01-09', 'a'), ('r0', '2026-01-01', 'a')");
    });
    expect(seen).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r7', 'r1', 'r0']);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
