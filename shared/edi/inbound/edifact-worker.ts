// Hands waiting EDIFACT payloads of inbound AS2 messages to processAs2Payload, oldest first:
// at start, every `intervalMs`, and at once when the receive path signals one (after its MDN).
// One drain at a time in this process (a signal during a drain makes it look again). Across
// instances each message is claimed first (edifact_lease_until, one guarded UPDATE), so one
// instance processes it, and a dead instance's claim runs out after the lease; the write
// transaction of processAs2Payload still re-reads the state, so a message is processed once
// whatever happens. A payload that fails unexpectedly is retried on the next passes and marked
// failed, with the reason, after `maxAttempts` (counted in the row, across instances).
import type { Logger } from '../../log.ts';
import { createPeriodicTask, type PeriodicTask } from '../../scheduling/periodic-task.ts';
import { markPayloadFailed, processAs2Payload, type EdiInboundContext } from './process-as2-payload.ts';
import { onEdifactWorkerWakeUp } from './edifact-wake-up.ts';

export interface EdifactWorkerOptions {
  ctx: EdiInboundContext;
  log: Logger;
  intervalMs?: number;
  maxAttempts?: number;
}

export interface EdifactWorker extends PeriodicTask<number> {
  /** Processes everything waiting now; resolves with how many messages were processed. */
  drain(): Promise<number>;
}

const leaseMs = 5 * 60_000;

export function createEdifactWorker(options: EdifactWorkerOptions): EdifactWorker {
  const { ctx, log } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  let draining: Promise<number> | null = null;
  let again = false;
  let stopWakeUps: (() => void) | undefined;

  async function pass(): Promise<number> {
    let processed = 0;
    const tried = new Set<string>();
    for (;;) {
      const now = ctx.clock.now().toISOString();
      const waiting = await ctx.db.all<{ id: string }>(
        "SELECT id FROM as2_messages WHERE edifact_state = 'waiting' AND (edifact_lease_until IS NULL OR edifact_lease_until <= ?) ORDER BY received_at, id LIMIT 20",
        [now],
      );
      const next = waiting.filter((w) => !tried.has(w.id));
      if (next.length === 0) return processed;
      for (const { id } of next) {
        tried.add(id);
        const claimedUntil = await claim(id);
        if (!claimedUntil) continue;
        try {
          const result = await processAs2Payload(ctx, { as2MessageId: id });
          processed++;
          log.info('edifact payload processed', { as2MessageRowId: id, interchanges: result.interchanges, accepted: result.accepted, rejected: result.rejected });
        } catch (e) {
          const attempts = await failed(id);
          const reason = e instanceof Error ? e.message : String(e);
          log.error('edifact payload failed', { as2MessageRowId: id, attempts, err: e });
          if (attempts >= maxAttempts) await markPayloadFailed(ctx, id, `processing failed ${attempts} times: ${reason}`);
        } finally {
          // Only this worker's own claim: once it ran out another instance may hold the message.
          await ctx.db.run('UPDATE as2_messages SET edifact_lease_until = NULL WHERE id = ? AND edifact_lease_until = ?', [id, claimedUntil]);
        }
      }
    }
  }

  /** One guarded UPDATE: this instance has the message until the lease runs out; resolves with that lease_until, or null. */
  async function claim(id: string): Promise<string | null> {
    const now = ctx.clock.now();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const { changes } = await ctx.db.run(
      "UPDATE as2_messages SET edifact_lease_until = ? WHERE id = ? AND edifact_state = 'waiting' AND (edifact_lease_until IS NULL OR edifact_lease_until <= ?)",
      [until, id, now.toISOString()],
    );
    return changes === 1 ? until : null;
  }

  /** Counts a failed attempt in the row (every instance sees the same count); resolves with the count. */
  async function failed(id: string): Promise<number> {
    return ctx.db.transaction(async (tx) => (await tx.get<{ n: number }>('UPDATE as2_messages SET edifact_attempts = edifact_attempts + 1 WHERE id = ? RETURNING edifact_attempts AS n', [id]))!.n);
  }

  function drain(): Promise<number> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await pass();
        } while (again);
        return total;
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  const periodic = createPeriodicTask({ name: 'EDIFACT worker', log, intervalMs: options.intervalMs ?? 30_000, task: async () => void (await drain()) });
  return {
    drain,
    runOnce: async () => ({ ran: true, result: await drain() }),
    start() {
      stopWakeUps ??= onEdifactWorkerWakeUp(() => {
        drain().catch((e: unknown) => log.error('EDIFACT worker failed', { err: e }));
      });
      periodic.start();
    },
    async stop() {
      stopWakeUps?.();
      stopWakeUps = undefined;
      await periodic.stop();
      await draining;
    },
  };
}
