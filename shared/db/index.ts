import { AsyncLocalStorage } from 'node:async_hooks';
import { createClient, type Client, type InValue, type Transaction } from '@libsql/client';
import type { Keyring } from '../keys/keyring.ts';
import { keySource, loadKeyring } from '../keys/key-file.ts';

/**
 * Positional (`?`) arguments only: a Durable Object's `sql.exec` and D1's `bind` take no named
 * (`:name`) parameters, so the one `Db` interface for both runtimes takes none either.
 */
export type Args = InValue[];
export type Row = Record<string, unknown>;

/** What a use case may do inside one atomic write. */
export interface Tx {
  all<T = Row>(sql: string, args?: Args): Promise<T[]>;
  get<T = Row>(sql: string, args?: Args): Promise<T | undefined>;
  run(sql: string, args?: Args): Promise<{ changes: number }>;
  /** Runs `fn` once the surrounding transaction has committed (at once outside one). */
  afterCommit(fn: () => void): void;
  /** The keys kept outside this database (audit MACs, sealed secrets), loaded on first use. */
  readonly keys: Keyring;
}

/**
 * The database as the rest of Lotbridge sees it. Reads run directly; every write that
 * spans more than one statement goes through `transaction`, which is atomic and, within
 * this process, serialised (SQLite has one writer; queueing here beats SQLITE_BUSY).
 */
export interface Db extends Tx {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs a script of several statements (migrations) atomically: `before` runs first in the
   * same transaction and can skip the script by returning false; `after` runs last.
   */
  script(sql: string, hooks?: { before?: (tx: Tx) => Promise<boolean>; after?: (tx: Tx) => Promise<void> }): Promise<boolean>;
  close(): void;
}

type Executor = Pick<Client | Transaction, 'execute'>;

function queries(x: Executor, keys: () => Keyring, afterCommit: (fn: () => void) => void = (fn) => fn()): Tx {
  return {
    afterCommit,
    get keys() {
      return keys();
    },
    async all<T>(sql: string, args: Args = []) {
      const rs = await x.execute({ sql, args });
      return rs.rows as unknown as T[];
    },
    async get<T>(sql: string, args: Args = []) {
      const rs = await x.execute({ sql, args });
      return rs.rows[0] as unknown as T | undefined;
    },
    async run(sql: string, args: Args = []) {
      const rs = await x.execute({ sql, args });
      return { changes: rs.rowsAffected };
    },
  };
}

/**
 * Opens the database. `keys` are the keys kept outside it; by default they come from the
 * environment or the key file beside an embedded database (see shared/keys/key-file.ts),
 * read (or made) the first time something needs them.
 */
export function openDb(url: string, authToken?: string, keys?: Keyring | (() => Keyring)): Db {
  let keyring = typeof keys === 'function' ? undefined : keys;
  const load = typeof keys === 'function' ? keys : () => loadKeyring(keySource(url));
  const lazyKeys = () => (keyring ??= load());
  // Wait up to 5 s for another process's write lock (the CLI, a second instance) rather than fail.
  const client = createClient({ url, authToken, intMode: 'number', timeout: 5000 });
  let queue: Promise<unknown> = Promise.resolve();

  function serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  }

  // Set while a transaction's work runs: a write through the database itself from there would
  // wait for that very transaction (a local libsql call blocks the thread while it waits).
  const insideTransaction = new AsyncLocalStorage<true>();

  async function inTransaction<T>(work: (tx: Transaction, committed: (() => void)[]) => Promise<T>): Promise<T> {
    return serialised(async () => {
      const tx = await client.transaction('write');
      const committed: (() => void)[] = [];
      try {
        const result = await insideTransaction.run(true, () => work(tx, committed));
        await tx.commit();
        for (const fn of committed) fn();
        return result;
      } catch (e) {
        await tx.rollback().catch(() => undefined);
        throw e;
      } finally {
        tx.close();
      }
    });
  }

  const direct = queries(client, lazyKeys);
  return {
    all: direct.all,
    get: direct.get,
    afterCommit: direct.afterCommit,
    get keys() {
      return lazyKeys();
    },
    // A single-statement write outside a transaction waits its turn behind the transactions
    // (rather than blocking the thread on SQLite's lock for up to 5 s and failing SQLITE_BUSY).
    run(sql, args) {
      if (insideTransaction.getStore()) {
        return Promise.reject(new Error('a write through the database inside a transaction would wait for that transaction: write through its tx'));
      }
      return serialised(() => direct.run(sql, args));
    },
    transaction: (work) => inTransaction((tx, committed) => work(queries(tx, lazyKeys, (fn) => committed.push(fn)))),
    script: (sql, hooks = {}) =>
      inTransaction(async (tx) => {
        if (hooks.before && !(await hooks.before(queries(tx, lazyKeys)))) return false;
        await tx.executeMultiple(sql);
        if (hooks.after) await hooks.after(queries(tx, lazyKeys));
        return true;
      }),
    close: () => client.close(),
  };
}

/** WAL for concurrent readers beside the writer; only meaningful for embedded files. */
export async function tuneEmbedded(db: Db, url: string): Promise<void> {
  if (url.startsWith('file:')) await db.get('PRAGMA journal_mode = WAL');
}
