import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import type { Logger } from '../log.ts';
import { claimPass, releasePass } from './lease.ts';

/** What one pass did: the task's result, or that another instance holds the pass right now. */
export type PassOutcome<T> = { ran: true; result: T } | { ran: false; reason: 'held by another instance' };

export interface PeriodicTask<T = unknown> {
  /** Node only: runs a pass at start, then every interval (a timer), until stop(). */
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** One pass now, awaited (the Workers entry drives these from a Cron Trigger). Throws what the task throws. */
  runOnce(): Promise<PassOutcome<T>>;
}

export interface PassLease {
  db: Db;
  clock: Clock;
  /** The lease row's name: one per kind of pass. */
  name: string;
  /** Longer than a pass can take; a dead instance's pass is taken over after it. 10 minutes by default. */
  leaseMs?: number;
}

/**
 * Runs `task` at start, then every `intervalMs`. A run still busy when the timer fires is not
 * doubled; a failure is logged and the next run tries again. With a `lease`, a pass runs on one
 * instance at a time across every instance on the database (a lease row, given back when the
 * pass ends); the tasks also record what they did, so a restart does nothing twice.
 */
export function createPeriodicTask<T>(options: { name: string; log: Logger; intervalMs: number; task: () => Promise<T>; lease?: PassLease }): PeriodicTask<T> {
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy: Promise<unknown> | null = null;
  let running = false;
  const lease = options.lease;

  async function runOnce(): Promise<PassOutcome<T>> {
    const claimedUntil = lease ? await claimPass(lease.db, lease.clock, lease.name, lease.leaseMs ?? 10 * 60_000) : null;
    if (lease && !claimedUntil) return { ran: false, reason: 'held by another instance' };
    try {
      return { ran: true, result: await options.task() };
    } finally {
      if (lease) await releasePass(lease.db, lease.name, claimedUntil!);
    }
  }

  function run(): void {
    if (!running || busy) return;
    busy = runOnce()
      .catch((e: unknown) => options.log.error(`${options.name} failed`, { err: e }))
      .finally(() => (busy = null));
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      timer = setInterval(run, options.intervalMs);
      timer.unref?.();
      run();
    },
    async stop(): Promise<void> {
      running = false;
      clearInterval(timer);
      await busy;
    },
    runOnce,
  };
}
