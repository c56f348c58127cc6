// Claims in the database, so that several instances on one database never do the same
// background work at once, and the work of an instance that died is taken over when its claim
// runs out. A claim is one guarded UPDATE (or upsert) whose changed-row count says who won.
import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { randomBase32 } from '../ids.ts';

/** This process among the instances: names the holder of a pass's lease (logs, the lease row). */
export const instanceId = `instance_${randomBase32(8)}`;

/**
 * Claims the pass `name` (a periodic task) for `leaseMs`, unless another claim has not run out
 * yet. Resolves with this claim's end (what releasePass gives back), or null when it is held.
 */
export async function claimPass(db: Db, clock: Clock, name: string, leaseMs: number, holder = instanceId): Promise<string | null> {
  const now = clock.now();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  const { changes } = await db.run(
    `INSERT INTO background_leases (name, holder, lease_until) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
      WHERE background_leases.lease_until <= ?`,
    [name, holder, until, now.toISOString()],
  );
  return changes === 1 ? until : null;
}

/**
 * Gives the pass back at once (the next instance need not wait for the lease to run out): only
 * this claim, so a pass that outlived its lease leaves a newer claim alone, even one of this instance.
 */
export async function releasePass(db: Db, name: string, claimedUntil: string, holder = instanceId): Promise<void> {
  await db.run('DELETE FROM background_leases WHERE name = ? AND holder = ? AND lease_until = ?', [name, holder, claimedUntil]);
}
