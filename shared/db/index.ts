import { AsyncLocalStorage } from 'node:async_hooks';
import { open, type FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createClient, type Client, type InValue, type ResultSet, type Transaction } from '@libsql/client';
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
 * this process, serialised (SQLite has one writer; queueing here beats SQLITE_BUSY). Writes
 * that wait together are committed together (group commit, see openDb); each caller's
 * promise settles only after the commit that holds its work.
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

type Executor = { execute(stmt: { sql: string; args: Args }): Promise<ResultSet> };

/** A caller's work inside a group's write transaction; `committed` collects its afterCommit callbacks. */
type Work<T> = (tx: Transaction, committed: (() => void)[]) => Promise<T>;
type Pending = { work: Work<unknown>; alone: boolean; resolve: (value: unknown) => void; reject: (error: unknown) => void };
type Outcome = { ok: true; value: unknown; committed: (() => void)[] } | { ok: false; error: unknown };
/** The most callers one commit takes (a bound on how long the first of them waits). */
const maxGroup = 64;

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

/** How long a write waits for another connection's write lock before it backs off and tries again. */
export interface BusyRetry {
  /** SQLite's own wait for the lock, per try (it blocks this thread while it waits: keep it short). */
  busyTimeoutMs: number;
  /** Tries after the first; each after a jittered exponential pause. */
  retries: number;
  /** The first pause; doubled per try up to `maxPauseMs`, each multiplied by a random 0.5–1.5. */
  firstPauseMs: number;
  maxPauseMs: number;
}

/** About 10 s in all before a write gives up: several instances (or the CLI) share one SQLite file. */
export const defaultBusyRetry: BusyRetry = { busyTimeoutMs: 250, retries: 12, firstPauseMs: 10, maxPauseMs: 1_000 };

/** SQLITE_BUSY or SQLITE_LOCKED (extended codes included), also when wrapped as a cause. */
export function isBusy(e: unknown): boolean {
  for (let x = e as { code?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 4; x = x.cause as typeof x, depth++) {
    if (typeof x.code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(x.code)) return true;
  }
  return false;
}

/** The pause before try `n` (1-based): exponential, capped, with jitter so that waiting instances do not collide again. */
export function busyPauseMs(retry: BusyRetry, n: number): number {
  return Math.min(retry.firstPauseMs * 2 ** (n - 1), retry.maxPauseMs) * (0.5 + Math.random());
}

/**
 * Runs `write` again while it fails with SQLITE_BUSY/LOCKED (another connection holds the write
 * lock), up to `retry.retries` times. Only for work that is safe to re-run: a write that failed
 * busy was rolled back and changed nothing.
 */
export async function retryWhileBusy<T>(retry: BusyRetry, write: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await write();
    } catch (e) {
      if (!isBusy(e) || n > retry.retries) throw e;
      await new Promise((r) => setTimeout(r, busyPauseMs(retry, n)));
    }
  }
}

/**
 * Opens the database. `keys` are the keys kept outside it; by default they come from the
 * environment or the key file beside an embedded database (see shared/keys/key-file.ts),
 * read (or made) the first time something needs them.
 */
export function openDb(url: string, authToken?: string, keys?: Keyring | (() => Keyring), busy: BusyRetry = defaultBusyRetry): Db {
  let keyring = typeof keys === 'function' ? undefined : keys;
  const load = typeof keys === 'function' ? keys : () => loadKeyring(keySource(url));
  const lazyKeys = () => (keyring ??= load());
  // SQLite waits a moment for another process's write lock (the CLI, a second instance); then
  // the write backs off without blocking this thread and tries again (retryWhileBusy).
  const connect = () => createClient({ url, authToken, intMode: 'number', timeout: busy.busyTimeoutMs });
  // Reads and writes share one pool of connections. A pool of its own for reads answered from a
  // connection that never wrote and had kept an old read snapshot: a caller did not see its own
  // committed write (tests/integration/home-work-list.test.ts, the administrator's work list).
  // With one pool the connection that committed last is the next one handed out.
  const walPath = walFileOf(url);
  const connectPair = () => {
    const reader = connect();
    return { reader, writer: reader };
  };
  let clients = connectPair();
  // Operations running on each client: a client set aside is closed when its last one ends.
  const running = new Map<Client, number>();
  const closed = { value: false };
  const current = (c: Client) => c === clients.reader || c === clients.writer;
  async function using<T>(op: (c: Client) => Promise<T>, which: 'reader' | 'writer' = 'reader'): Promise<T> {
    const c = clients[which];
    running.set(c, (running.get(c) ?? 0) + 1);
    try {
      return await op(c);
    } finally {
      const left = running.get(c)! - 1;
      if (left > 0) running.set(c, left);
      else {
        running.delete(c);
        if (!current(c) || closed.value) c.close();
      }
    }
  }
  /**
   * After SQLITE_BUSY: libsql leaves the statement that failed un-reset on its pooled
   * connection, and that connection's next COMMIT then fails ("SQL statements in progress")
   * until the statement is garbage-collected. So the pool is set aside (closed once the
   * operations still on it end) and the next try opens fresh connections.
   */
  function freshConnections(): void {
    const old = clients;
    clients = connectPair();
    for (const c of new Set([old.reader, old.writer])) if (!running.has(c)) c.close();
  }
  /**
   * The client whose commits leave syncing the WAL to us. In WAL mode the connection that takes a
   * group runs with synchronous=NORMAL: its COMMIT writes the WAL without fsync, so the commit does not
   * block this thread for the disk; the group's callers are answered only after the WAL is
   * fsynced off the thread (syncWal). A database not (yet) in WAL mode keeps SQLite's own
   * synchronous=FULL commit. Between the commit and the fsync (milliseconds) reads through this
   * Db wait (see syncing); another process's reader may see the group's rows, but no write
   * starts before the fsync ends (the next group waits for it, and another process's commit
   * syncs the same WAL), so nothing durable is built on them, and a SIGKILL loses nothing (the
   * written WAL is in the OS's cache); only a power loss in that window can take back rows
   * another process's read already showed, never rows a caller was answered for.
   */
  let syncsWal: Client | undefined;
  /**
   * The WAL file, kept open from its first sync on: Linux reports a failed writeback at the next
   * fsync of every handle open when it failed, never to one opened later, and SQLite's own fsync
   * of the WAL (an autocheckpoint, whose errors a commit does not return) may see it first.
   */
  let walFile: FileHandle | undefined;
  let walSyncing = false;
  /** fdatasync of the WAL file, on libuv's thread pool. No file: nothing to sync (SQLite checkpointed it into the database, with its own sync, and removed it). */
  async function syncWal(path: string): Promise<void> {
    walSyncing = true;
    try {
      await syncWalFile(path);
    } finally {
      walSyncing = false;
    }
  }
  async function syncWalFile(path: string): Promise<void> {
    if (!walFile) {
      try {
        walFile = await open(path, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
    }
    const file = walFile;
    try {
      await file.datasync();
      // SQLite removes the WAL only when its last connection closes; should it have been made anew, sync that one too.
      if ((await file.stat()).nlink === 0) {
        walFile = undefined;
        await syncWalFile(path);
      }
    } finally {
      if (walFile !== file || closed.value) {
        if (walFile === file) walFile = undefined;
        await file.close();
      }
    }
  }
  async function tuneWriter(c: Client): Promise<void> {
    if (!walPath) return;
    if (syncsWal !== c) {
      const mode = (await c.execute('PRAGMA journal_mode')).rows[0]?.journal_mode;
      if (mode !== 'wal') return;
      syncsWal = c;
    }
    // On the connection the group's transaction takes next (the pool hands out the one released
    // last). Should another connection take it, that one commits at FULL and syncs by itself;
    // the fsync after the commit runs either way.
    await c.execute('PRAGMA synchronous = NORMAL');
  }
  const retrying = <T>(write: () => Promise<T>): Promise<T> =>
    retryWhileBusy(busy, async () => {
      try {
        return await write();
      } catch (e) {
        if (isBusy(e)) freshConnections();
        throw e;
      }
    });
  // Set while a transaction's work runs: a write through the database itself from there would
  // wait for that very transaction (a local libsql call blocks the thread while it waits).
  const insideTransaction = new AsyncLocalStorage<true>();

  /**
   * Group commit. Writes wait in one queue (SQLite has one writer; queueing here beats
   * SQLITE_BUSY). The first runs at once; those that arrive while a transaction runs are taken
   * together as the next one, each caller's work inside its own SAVEPOINT, and committed with
   * ONE commit (one fsync instead of one per caller). A caller whose work fails is rolled back
   * to its savepoint alone and gets its error; the others commit. Every caller is answered
   * (its promise settles, its afterCommit callbacks run) only after the commit that holds its
   * work: nobody hears "done" before its data is durable.
   */
  const waiting: Pending[] = [];
  let draining = false;
  /**
   * Set when an fsync of the WAL failed. Linux then marks the pages it could not write clean: they
   * stay readable and a later fsync succeeds, while the WAL on disk has a hole; SQLite's recovery
   * stops at the first bad frame and would drop every later commit too. So from then on no write
   * is answered (all are refused) until a restart recovers the database from what is on disk.
   */
  let walLost: Error | undefined;
  /**
   * Pending from just before a group's COMMIT until its WAL sync ends: reads through the Db
   * wait for it, so this process never shows (on a page, to an API client) a row that a power
   * loss could still take back. (Before group commit the commit's own fsync held this thread.)
   */
  let syncing: Promise<void> | undefined;
  let synced: () => void = () => undefined;
  function readsMayGo(): void {
    syncing = undefined;
    synced();
  }

  function enqueue<T>(work: Work<T>, alone = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiting.push({ work, alone, resolve: resolve as (v: unknown) => void, reject });
      if (!draining) {
        draining = true;
        setImmediate(drain);
      }
    });
  }

  /** The next turn of the event loop: what became ready meanwhile (requests, finished work) joins the next group. */
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function drain(): Promise<void> {
    try {
      // A local commit blocks this thread while SQLite syncs; the writes that arrive meanwhile
      // are taken together once the event loop has had its turn.
      for (; waiting.length > 0; await nextTurn()) {
        // A script (migration) commits by itself; other work in groups of up to maxGroup.
        let n = 1;
        if (!waiting[0]!.alone) while (n < waiting.length && n < maxGroup && !waiting[n]!.alone) n++;
        await commitGroup(waiting.splice(0, n));
      }
    } finally {
      draining = false;
    }
  }

  /**
   * One write transaction for a group, run again from the start when another connection holds
   * the lock (SQLITE_BUSY at BEGIN IMMEDIATE, or at any statement or the commit). Re-running is
   * safe: each caller's work is database work through its tx (rolled back with it) and
   * afterCommit callbacks, which are collected per try and run only after the try that committed.
   */
  async function commitGroup(group: Pending[]): Promise<void> {
    let outcomes: Outcome[] = [];
    if (walLost) {
      for (const caller of group) caller.reject(walLost);
      return;
    }
    try {
      await retrying(() =>
        using(async (c) => {
          await tuneWriter(c);
          const tx = await c.transaction('write');
          outcomes = [];
          try {
            for (const caller of group) {
              const committed: (() => void)[] = [];
              await tx.execute('SAVEPOINT caller');
              try {
                const value = await insideTransaction.run(true, () => caller.work(tx, committed));
                await tx.execute('RELEASE caller');
                outcomes.push({ ok: true, value, committed });
              } catch (error) {
                // Another connection's lock: the whole group backs off and tries again.
                if (isBusy(error)) throw error;
                await tx.execute('ROLLBACK TO caller');
                await tx.execute('RELEASE caller');
                outcomes.push({ ok: false, error });
              }
            }
            if (outcomes.some((o) => o.ok)) {
              // Set before the COMMIT (a local one runs within the call): reads wait for the sync.
              if (syncsWal === c) syncing ??= new Promise<void>((r) => (synced = r));
              await tx.commit();
            } else await tx.rollback();
          } catch (e) {
            await tx.rollback().catch(() => undefined);
            readsMayGo();
            throw e;
          } finally {
            tx.close();
          }
          // Durable before anyone is answered; meanwhile this thread serves requests, and the
          // writes that arrive join the next group.
          try {
            if (syncsWal === c) {
              await syncWal(walPath!).catch((e: unknown) => {
                walLost = new Error(`the database's WAL could not be synced (${(e as Error).message}): no write is answered until the process restarts`, { cause: e });
                throw walLost;
              });
            }
          } finally {
            readsMayGo();
          }
        }, 'writer'),
      );
    } catch (e) {
      // Nothing of the group committed (or it may not be durable: the WAL did not sync).
      for (const caller of group) caller.reject(e);
      return;
    }
    group.forEach((caller, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return caller.reject(outcome.error);
      try {
        for (const fn of outcome.committed) fn();
        caller.resolve(outcome.value);
      } catch (e) {
        caller.reject(e);
      }
    });
  }

  const direct = queries({ execute: (stmt) => (syncing ? syncing.then(() => using((c) => c.execute(stmt))) : using((c) => c.execute(stmt))) }, lazyKeys);
  return {
    all: direct.all,
    get: direct.get,
    afterCommit: direct.afterCommit,
    get keys() {
      return lazyKeys();
    },
    // A single-statement write outside a transaction waits its turn behind the transactions,
    // and backs off and tries again while another connection holds the write lock.
    run(sql, args) {
      if (insideTransaction.getStore()) {
        return Promise.reject(new Error('a write through the database inside a transaction would wait for that transaction: write through its tx'));
      }
      return enqueue((tx) => queries(tx, lazyKeys).run(sql, args));
    },
    transaction: (work) => enqueue((tx, committed) => work(queries(tx, lazyKeys, (fn) => committed.push(fn)))),
    script: (sql, hooks = {}) =>
      enqueue(async (tx) => {
        if (hooks.before && !(await hooks.before(queries(tx, lazyKeys)))) return false;
        await tx.executeMultiple(sql);
        if (hooks.after) await hooks.after(queries(tx, lazyKeys));
        return true;
      }, true),
    close: () => {
      closed.value = true;
      for (const c of new Set([clients.reader, clients.writer])) if (!running.has(c)) c.close();
      // A sync still running closes the WAL file when it ends.
      if (!walSyncing) {
        void walFile?.close().catch(() => undefined);
        walFile = undefined;
      }
    },
  };
}

/** The WAL file of an embedded database file (`file:` URL, not in memory); undefined for any other URL. */
export function walFileOf(url: string): string | undefined {
  if (!url.startsWith('file:') || url.includes(':memory:') || url.includes('mode=memory')) return undefined;
  const path = url.startsWith('file://') ? fileURLToPath(url.split('?')[0]!) : decodeURIComponent(url.slice('file:'.length).split('?')[0]!);
  return `${path}-wal`;
}


/** WAL for concurrent readers beside the writer; only meaningful for embedded files. */
export async function tuneEmbedded(db: Db, url: string): Promise<void> {
  if (url.startsWith('file:')) await db.get('PRAGMA journal_mode = WAL');
}
