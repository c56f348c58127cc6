// Group commit (shared/db/index.ts): transactions that wait together commit together, each in
// its own savepoint. Real SQLite file; a second connection shows what is committed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, tuneEmbedded, type Db } from './index.ts';

let dir: string;
let db: Db;
let other: Client;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lotbridge-group-commit-'));
  const url = `file:${join(dir, 't.db')}`;
  db = openDb(url);
  await tuneEmbedded(db, url);
  await db.run('CREATE TABLE t (name TEXT NOT NULL UNIQUE)');
  other = createClient({ url, intMode: 'number' });
});

afterEach(() => {
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The names committed, as another connection reads them. */
async function committed(): Promise<string[]> {
  return (await other.execute('SELECT name FROM t ORDER BY name')).rows.map((r) => String(r.name));
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

/** A transaction held open (its work waits for the gate) so that later ones queue behind it. */
function heldTransaction(name: string) {
  const g = gate();
  const started = gate();
  const done = db.transaction(async (tx) => {
    await tx.run('INSERT INTO t (name) VALUES (?)', [name]);
    started.open();
    await g.opened;
  });
  return { release: g.open, started: started.opened, done };
}

describe('group commit', () => {
  it('answers a grouped caller only after the commit that holds its work, with every caller of the group in that one commit', async () => {
    const first = heldTransaction('a');
    await first.started;
    // These two wait behind the first and are taken together as the next group.
    const answered: string[] = [];
    let bAnswered = false;
    const b = db
      .transaction((tx) => tx.run('INSERT INTO t (name) VALUES (?)', ['b']))
      .then(async () => {
        bAnswered = true;
        answered.push(`b sees ${(await committed()).join(',')}`);
      });
    const cStarted = gate();
    const cGate = gate();
    const c = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (name) VALUES (?)', ['c']);
      tx.afterCommit(() => answered.push('c after commit'));
      cStarted.open();
      await cGate.opened;
    });
    first.release();
    await first.done;
    await cStarted.opened;
    // b's work is done (it ran before c's), but its group has not committed while c's work
    // runs: b is not answered, and nothing of it is visible to another connection.
    expect(bAnswered).toBe(false);
    expect(await committed()).toEqual(['a']);
    cGate.open();
    await Promise.all([b, c]);
    // When b is answered, its row (and c's, the same commit) is already durable.
    expect(answered.sort()).toEqual(['b sees a,b,c', 'c after commit']);
  });

  it('rolls back a failing caller alone: the others of its group commit', async () => {
    const first = heldTransaction('a');
    await first.started;
    const b = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (name) VALUES (?)', ['b']);
      await tx.run('INSERT INTO t (name) VALUES (?)', ['b2']);
      throw new Error('b changed its mind');
    });
    let dAfterCommit = 0;
    const c = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (name) VALUES (?)', ['c']);
    });
    // A statement that fails (a UNIQUE violation) rolls back that caller's earlier statements too.
    const d = db.transaction(async (tx) => {
      tx.afterCommit(() => dAfterCommit++);
      await tx.run('INSERT INTO t (name) VALUES (?)', ['d']);
      await tx.run('INSERT INTO t (name) VALUES (?)', ['a']);
    });
    const e = db.run('INSERT INTO t (name) VALUES (?)', ['e']);
    first.release();
    await expect(b).rejects.toThrow('b changed its mind');
    await expect(d).rejects.toThrow(/UNIQUE/);
    await c;
    await expect(e).resolves.toEqual({ changes: 1 });
    expect(dAfterCommit).toBe(0);
    expect(await committed()).toEqual(['a', 'c', 'e']);
  });

});
