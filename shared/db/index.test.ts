// The Db interface binds positional (`?`) parameters only, as a Durable Object's `sql.exec` and
// D1's `bind` do, so the same statements run on both runtimes. Real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { openDb, type Args, type Db } from './index.ts';

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lotbridge-db-'));
  db = openDb(`file:${join(dir, 't.db')}`);
  await db.run('CREATE TABLE t (a TEXT NOT NULL, b INTEGER)');
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Db arguments', () => {
  it('binds positional parameters in order, a repeated value once per `?`', async () => {
    await db.transaction((tx) => tx.run('INSERT INTO t (a, b) VALUES (?, ?), (?, ?)', ['x', 1, 'y', 2]));
    expect(await db.all('SELECT a, b FROM t WHERE a = ? OR a = ? ORDER BY a', ['y', 'x'])).toEqual([
      { a: 'x', b: 1 },
      { a: 'y', b: 2 },
    ]);
  });

  it('takes positional arrays only: named (`:name`) arguments do not type-check (tsc, `npm run check`)', () => {
    expectTypeOf<{ a: string }>().not.toExtend<Args>();
    expectTypeOf<['x', 1, null]>().toExtend<Args>();
  });
});
