// Two real connections to one SQLite file: the other connection holds the write lock (as a
// second instance or the CLI would), and this one's writes back off and try again instead of
// failing, with the work of a transaction re-run from the start and its afterCommit once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { busyPauseMs, defaultBusyRetry, isBusy, openDb, type BusyRetry, type Db } from './index.ts';

const noKeys = () => {
  throw new Error('no keys in this test');
};
const quick: BusyRetry = { busyTimeoutMs: 20, retries: 8, firstPauseMs: 5, maxPauseMs: 80 };

describe('writes while another connection holds the write lock', () => {
  let dir: string;
  let url: string;
  let other: Client;
  let db: Db;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lotbridge-busy-'));
    url = `file:${join(dir, 'busy.db')}`;
    other = createClient({ url, intMode: 'number' });
    await other.execute('PRAGMA journal_mode = WAL');
    await other.execute('CREATE TABLE t (n INTEGER NOT NULL)');
    db = openDb(url, undefined, noKeys, quick);
  });
  afterEach(() => {
    db.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The other connection takes the write lock and gives it up after `ms`. */
  async function holdWriteLock(ms: number): Promise<{ released: Promise<void> }> {
    const tx = await other.transaction('write');
    await tx.execute('INSERT INTO t (n) VALUES (100)');
    const released = new Promise<void>((resolve) => setTimeout(resolve, ms)).then(async () => {
      await tx.commit();
      tx.close();
    });
    return { released };
  }

  it('a transaction waits out the other connection’s lock, runs its work until it commits, and its afterCommit once', async () => {
    const { released } = await holdWriteLock(300);
    let commits = 0;
    // SQLite's own wait blocks the thread; backing off between short waits does not.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const result = await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (n) VALUES (1)');
      tx.afterCommit(() => commits++);
      return (await tx.get<{ total: number }>('SELECT SUM(n) AS total FROM t'))!.total;
    });
    clearInterval(ticker);
    await released;
    expect(ticks, 'timer ticks in this process while the write waited').toBeGreaterThanOrEqual(5);
    // It committed after the other transaction did: it saw that one's row.
    expect(result).toBe(101);
    expect(commits).toBe(1);
    expect(await db.all('SELECT n FROM t ORDER BY n')).toEqual([{ n: 1 }, { n: 100 }]);
  });

  it('a single write outside a transaction waits out the lock too', async () => {
    const { released } = await holdWriteLock(200);
    expect(await db.run('INSERT INTO t (n) VALUES (2)')).toEqual({ changes: 1 });
    await released;
    expect(await db.all('SELECT n FROM t ORDER BY n')).toEqual([{ n: 2 }, { n: 100 }]);
  });

  it('gives up with SQLITE_BUSY after its retries when the lock is never released, having changed nothing', async () => {
    const tx = await other.transaction('write');
    try {
      let afterCommit = 0;
      const failed = await db
        .transaction(async (t) => {
          await t.run('INSERT INTO t (n) VALUES (3)');
          t.afterCommit(() => afterCommit++);
        })
        .catch((e: unknown) => e);
      expect(isBusy(failed)).toBe(true);
      expect(afterCommit).toBe(0);
    } finally {
      await tx.rollback();
      tx.close();
    }
    expect(await db.all('SELECT n FROM t')).toEqual([]);
  });
});

describe('the pause between tries', () => {
  it('grows exponentially up to its cap, with jitter of ±50 %', () => {
    for (let n = 1; n <= 12; n++) {
      const base = Math.min(defaultBusyRetry.firstPauseMs * 2 ** (n - 1), defaultBusyRetry.maxPauseMs);
      const pause = busyPauseMs(defaultBusyRetry, n);
      expect(pause).toBeGreaterThanOrEqual(base * 0.5);
      expect(pause).toBeLessThanOrEqual(base * 1.5);
    }
  });
});
