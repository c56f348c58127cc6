import { AsyncLocalStorage } from 'node:async_hooks';
import type { Keyring } from '../keys/keyring.ts';
import type { Args, Db, Row, Tx } from './index.ts';

/**
 * The parts of a SQLite-backed Durable Object's storage (`ctx.storage`) this module uses,
 * typed by their shape so shared/ needs no Workers types: `sql.exec` runs statements
 * synchronously on the object's own SQLite database; `transaction` runs an async closure
 * atomically (rolled back when it throws, also after awaits).
 */
export interface DurableObjectStorageLike {
  sql: { exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] } };
  transaction<T>(closure: () => Promise<T>): Promise<T>;
}

type Value = string | number | null | ArrayBuffer | bigint;

/** libsql's conversions, which the use cases rely on, for a binding `sql.exec` takes. */
function bindable(v: unknown): Value {
  if (v === undefined) throw new TypeError('undefined is not a SQL value: pass null');
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  if (ArrayBuffer.isView(v)) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer;
  return v as Value;
}

/**
 * The `Db` over a SQLite-backed Durable Object, the single writer on Workers. SQLite runs in
 * the object itself, so every statement is a local call. Transactions are serialised here, as
 * in `openDb`: while one awaits, the object takes other requests, and their statements would
 * otherwise land inside it. Reads outside a transaction wait their turn too, so they never see
 * a transaction's uncommitted writes (one connection sees its own writes).
 */
export function openDurableObjectDb(storage: DurableObjectStorageLike, keys: () => Keyring): Db {
  let queue: Promise<unknown> = Promise.resolve();
  const insideTransaction = new AsyncLocalStorage<true>();

  function serialised<T>(work: () => Promise<T>): Promise<T> {
    if (insideTransaction.getStore()) return work();
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  }

  function exec(sql: string, args?: Args): Record<string, unknown>[] {
    return storage.sql.exec(sql, ...(args ?? []).map(bindable)).toArray();
  }

  function queries(afterCommit: (fn: () => void) => void, direct: <T>(work: () => T) => Promise<T>): Tx {
    return {
      afterCommit,
      get keys() {
        return keys();
      },
      all: <T = Row>(sql: string, args?: Args) => direct(() => exec(sql, args) as T[]),
      get: <T = Row>(sql: string, args?: Args) => direct(() => exec(sql, args)[0] as T | undefined),
      run: (sql: string, args?: Args) =>
        direct(() => {
          exec(sql, args);
          return { changes: Number(storage.sql.exec('SELECT changes() AS n').toArray()[0]!.n) };
        }),
    };
  }

  async function inTransaction<T>(work: (committed: (() => void)[]) => Promise<T>): Promise<T> {
    return serialised(async () => {
      const committed: (() => void)[] = [];
      const result = await storage.transaction(() => insideTransaction.run(true, () => work(committed)));
      for (const fn of committed) fn();
      return result;
    });
  }

  const inTx = <T>(work: () => T) => Promise.resolve().then(work);
  const outside = queries((fn) => fn(), (work) => serialised(async () => work()));
  return {
    ...outside,
    get keys() {
      return keys();
    },
    run(sql, args) {
      if (insideTransaction.getStore()) {
        return Promise.reject(new Error('a write through the database inside a transaction would wait for that transaction: write through its tx'));
      }
      return outside.run(sql, args);
    },
    transaction: (work) => inTransaction((committed) => work(queries((fn) => committed.push(fn), inTx))),
    script: (sql, hooks = {}) =>
      inTransaction(async () => {
        const tx = queries((fn) => fn(), inTx);
        if (hooks.before && !(await hooks.before(tx))) return false;
        storage.sql.exec(sql);
        if (hooks.after) await hooks.after(tx);
        return true;
      }),
    close: () => undefined,
  };
}
