// A Db that runs inside an open transaction, so that use cases which open their own
// (submitLots, submitInvoice, recordInterchange) take part in the caller's: everything one
// interchange becomes — register entry, records, events, the CONTRL and APERAKs queued back —
// commits together or not at all. Each nested `transaction` is a SAVEPOINT: a use case that
// refuses (throws) rolls back only its own writes, as it would on its own, and the hooks it
// registered with afterCommit are dropped with them.
import type { Db, Tx } from '../../db/index.ts';

let savepoints = 0;

export function withinTransaction(tx: Tx): Db {
  return {
    all: (sql, args) => tx.all(sql, args),
    get: (sql, args) => tx.get(sql, args),
    run: (sql, args) => tx.run(sql, args),
    afterCommit: (fn) => tx.afterCommit(fn),
    get keys() {
      return tx.keys;
    },
    async transaction<T>(work: (inner: Tx) => Promise<T>): Promise<T> {
      const name = `lotbridge_nested_${++savepoints}`;
      const hooks: (() => void)[] = [];
      const inner: Tx = { all: tx.all, get: tx.get, run: tx.run, afterCommit: (fn) => hooks.push(fn), keys: tx.keys };
      await tx.run(`SAVEPOINT ${name}`);
      try {
        const result = await work(inner);
        await tx.run(`RELEASE ${name}`);
        for (const fn of hooks) tx.afterCommit(fn);
        return result;
      } catch (e) {
        await tx.run(`ROLLBACK TO ${name}`);
        await tx.run(`RELEASE ${name}`);
        throw e;
      }
    },
    script: () => Promise.reject(new Error('scripts (migrations) do not run inside another transaction')),
    close: () => undefined,
  };
}
