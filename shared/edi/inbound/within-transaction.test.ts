// A use case's own transaction run inside the caller's: committed with it, a refusal rolls back
// only its own writes (SAVEPOINT), and its afterCommit hooks run after the outer commit, or
// not at all when it refused. Real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db/index.ts';
import { withinTransaction } from './within-transaction.ts';

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lotbridge-within-'));
  db = openDb(`file:${join(dir, 't.db')}`);
  await db.run('CREATE TABLE t (v TEXT NOT NULL)');
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const values = async () => (await db.all<{ v: string }>('SELECT v FROM t ORDER BY rowid')).map((r) => r.v);

describe('withinTransaction', () => {
  it('keeps the outer writes and the nested ones that succeeded; drops a refused one with its hooks', async () => {
    const hooks: string[] = [];
    await db.transaction(async (tx) => {
      const inner = withinTransaction(tx);
      await tx.run("INSERT INTO t VALUES ('outer')");
      await inner.transaction(async (t) => {
        await t.run("INSERT INTO t VALUES ('kept')");
        t.afterCommit(() => hooks.push('kept'));
      });
      await expect(
        inner.transaction(async (t) => {
          await t.run("INSERT INTO t VALUES ('refused')");
          t.afterCommit(() => hooks.push('refused'));
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      // Nested twice, the inner one refused: the middle one's writes stay.
      await inner.transaction(async (t) => {
        await t.run("INSERT INTO t VALUES ('middle')");
        await withinTransaction(t).transaction(() => Promise.reject(new Error('deep'))).catch(() => undefined);
      });
      expect(hooks).toEqual([]);
    });
    expect(await values()).toEqual(['outer', 'kept', 'middle']);
    expect(hooks).toEqual(['kept']);
  });

  it('rolls back everything, nested writes included, when the outer transaction fails', async () => {
    await expect(
      db.transaction(async (tx) => {
        await withinTransaction(tx).transaction((t) => t.run("INSERT INTO t VALUES ('gone')"));
        throw new Error('outer failed');
      }),
    ).rejects.toThrow('outer failed');
    expect(await values()).not.toContain('gone');
  });
});
