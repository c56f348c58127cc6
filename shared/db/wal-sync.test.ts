// In WAL mode the writer commits without SQLite's fsync (synchronous=NORMAL) and the Db fsyncs
// the WAL itself, off the event loop: no caller may be answered before that sync is done.
// Real SQLite file; node:fs/promises is wrapped so that the test holds the sync.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const syncs = vi.hoisted(() => ({
  held: undefined as Promise<void> | undefined,
  started: [] as string[],
  fail: undefined as NodeJS.ErrnoException | undefined,
  /** Linux's errseq: a writeback error is reported by the next fsync of each file handle open when it happened, not of one opened later. */
  open: new Set<{ writebackError?: NodeJS.ErrnoException }>(),
}));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      const file = await fs.open(...args);
      const datasync = file.datasync.bind(file);
      const close = file.close.bind(file);
      const handle: { writebackError?: NodeJS.ErrnoException } = {};
      syncs.open.add(handle);
      file.datasync = async () => {
        syncs.started.push(String(args[0]));
        await syncs.held;
        const fail = syncs.fail ?? handle.writebackError;
        syncs.fail = handle.writebackError = undefined;
        if (fail) throw fail;
        return datasync();
      };
      file.close = () => {
        syncs.open.delete(handle);
        return close();
      };
      return file;
    },
  };
});

const { openDb, tuneEmbedded, walFileOf } = await import('./index.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lotbridge-wal-sync-'));
  syncs.held = undefined;
  syncs.started = [];
  syncs.fail = undefined;
  syncs.open.clear();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A Db on a WAL-mode file with an empty table t. */
async function walDb() {
  const url = `file:${join(dir, 't.db')}`;
  const db = openDb(url);
  await tuneEmbedded(db, url);
  await db.run('CREATE TABLE t (name TEXT)');
  return db;
}

describe('WAL sync', () => {
  it('answers a writer only after the WAL file it committed to is fsynced', async () => {
    const db = await walDb();
    let release!: () => void;
    syncs.held = new Promise((r) => (release = r));
    syncs.started = [];
    let answered = false;
    const write = db.transaction((tx) => tx.run('INSERT INTO t VALUES (?)', ['a'])).then(() => (answered = true));
    await vi.waitFor(() => expect(syncs.started).toEqual([join(dir, 't.db-wal')]));
    // Committed (another connection sees the row), but the sync is still running: not answered.
    const other = createClient({ url: `file:${join(dir, 't.db')}`, intMode: 'number' });
    expect((await other.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n).toBe(1);
    other.close();
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    release();
    await write;
    expect(answered).toBe(true);
    db.close();
  });

  it('holds a read through the Db while a commit’s WAL sync runs: this process shows no row before it is durable', async () => {
    const db = await walDb();
    let release!: () => void;
    syncs.held = new Promise((r) => (release = r));
    syncs.started = [];
    const write = db.run('INSERT INTO t VALUES (?)', ['a']);
    await vi.waitFor(() => expect(syncs.started).toHaveLength(1));
    let seen: number | undefined;
    const read = db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t').then((r) => (seen = r!.n));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(seen).toBeUndefined();
    release();
    await Promise.all([write, read]);
    expect(seen).toBe(1);
    db.close();
  });

  it('after a failed WAL sync (EIO) answers no write again: the kernel may have dropped the WAL pages it could not write', async () => {
    // Linux marks pages whose writeback failed clean: they stay readable, a later fsync succeeds,
    // and the WAL on disk has a hole. SQLite's recovery stops at the first bad frame, so every
    // later commit would be lost with it: a later write must not be answered as durable.
    const db = await walDb();
    syncs.fail = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    await expect(db.run('INSERT INTO t VALUES (?)', ['a'])).rejects.toThrow(/EIO/);
    await expect(db.run('INSERT INTO t VALUES (?)', ['b'])).rejects.toThrow(/EIO/);
    await expect(db.transaction((tx) => tx.run('INSERT INTO t VALUES (?)', ['c']))).rejects.toThrow(/EIO/);
    db.close();
  });

  it('fsyncs through a handle open when the WAL was written: a writeback error seen first elsewhere (an autocheckpoint’s fsync) still fails the sync', async () => {
    const db = await walDb();
    await db.run('INSERT INTO t VALUES (?)', ['a']);
    // The kernel failed to write some WAL pages back; SQLite's own checkpoint fsync (at NORMAL,
    // whose errors the autocheckpoint swallows) may be the one that saw it: every handle open
    // now reports it at its next fsync, one opened afterwards never does.
    for (const h of syncs.open) h.writebackError = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    await expect(db.run('INSERT INTO t VALUES (?)', ['b'])).rejects.toThrow(/EIO/);
    db.close();
  });

  it('leaves a database that is not in WAL mode to SQLite’s own synchronous commit', async () => {
    const url = `file:${join(dir, 'rollback.db')}`;
    const db = openDb(url);
    await db.run('CREATE TABLE t (name TEXT)');
    await db.transaction((tx) => tx.run('INSERT INTO t VALUES (?)', ['a']));
    expect(syncs.started).toEqual([]);
    db.close();
  });

  it('finds the WAL file of an embedded database only', () => {
    expect(walFileOf('file:/data/lotbridge.db')).toBe('/data/lotbridge.db-wal');
    expect(walFileOf('file:///data/my%20db.db')).toBe('/data/my db.db-wal');
    expect(walFileOf('file::memory:')).toBeUndefined();
    expect(walFileOf('libsql://example.turso.io')).toBeUndefined();
  });
});
