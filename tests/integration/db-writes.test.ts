// The database wrapper on a real SQLite file: a single-statement write outside a transaction
// waits its turn behind a transaction that is still running (a local libsql call would otherwise
// block the thread on SQLite's lock for the whole busy timeout and fail SQLITE_BUSY), and a write
// through the database from inside a transaction is refused at once instead of deadlocking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../support/database.ts';

describe('writes outside and inside transactions', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await testDatabase();
    await t.db.run('CREATE TABLE counter (n INTEGER NOT NULL)');
    await t.db.run('INSERT INTO counter (n) VALUES (0)');
  });
  afterAll(() => t?.close());

  it('a write outside a transaction waits for the running transaction, in order', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transaction = t.db.transaction(async (tx) => {
      await tx.run('UPDATE counter SET n = n + 1');
      order.push('transaction wrote');
      await gate; // holds the write lock while other work is queued
      order.push('transaction commits');
    });
    await new Promise((r) => setTimeout(r, 10));
    const single = t.db.run('UPDATE counter SET n = n * 10').then(() => order.push('single write'));
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all([transaction, single]);
    expect(order).toEqual(['transaction wrote', 'transaction commits', 'single write']);
    expect(await t.db.get('SELECT n FROM counter')).toEqual({ n: 10 });
  });

  it('a write through the database inside a transaction is refused, and the transaction rolls back', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.run('UPDATE counter SET n = 99');
        await t.db.run('UPDATE counter SET n = 100');
      }),
    ).rejects.toThrow(/inside a transaction would wait for that transaction: write through its tx/);
    expect(await t.db.get('SELECT n FROM counter')).toEqual({ n: 10 });
  });
});
