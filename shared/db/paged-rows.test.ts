// A page and the list's total from one statement; a page past the end falls back to the last page. Real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from './index.ts';
import { pagedRows } from './paged-rows.ts';

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lotbridge-paged-'));
  db = openDb(`file:${join(dir, 't.db')}`);
  await db.run('CREATE TABLE t (n INTEGER NOT NULL, owner TEXT NOT NULL)');
  // owner a: 1..7; owner b: 100 (another owner's row, never counted for a)
  await db.transaction(async (tx) => {
    for (let n = 1; n <= 7; n++) await tx.run('INSERT INTO t (n, owner) VALUES (?, ?)', [n, 'a']);
    await tx.run("INSERT INTO t (n, owner) VALUES (100, 'b')");
  });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const list = (page: number, owner = 'a') =>
  pagedRows<{ n: number }>(db, {
    select: 't.n',
    from: 'FROM t WHERE t.owner = ?',
    args: [owner],
    count: 'SELECT COUNT(*) AS n FROM t WHERE t.owner = ?',
    countArgs: [owner],
    orderBy: 't.n DESC',
    page,
    pageSize: 3,
  });

describe('pagedRows', () => {
  it('pages to the end with the total of the filtered list on every page', async () => {
    const pages = [await list(1), await list(2), await list(3)];
    expect(pages.map((p) => p.rows.map((r) => r.n))).toEqual([
      [7, 6, 5],
      [4, 3, 2],
      [1],
    ]);
    for (const [i, p] of pages.entries()) expect({ total: p.total, page: p.page, pages: p.pages }).toEqual({ total: 7, page: i + 1, pages: 3 });
  });

  it('shows the last page for a page past the end, and page 1 of none for an empty list', async () => {
    const past = await list(9);
    expect({ rows: past.rows.map((r) => r.n), total: past.total, page: past.page, pages: past.pages }).toEqual({ rows: [1], total: 7, page: 3, pages: 3 });
    expect(await list(2, 'nobody')).toEqual({ rows: [], total: 0, page: 1, pages: 1 });
    expect((await list(0)).page).toBe(1);
  });
});
