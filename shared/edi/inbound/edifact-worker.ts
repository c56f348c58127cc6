// Hands waiting EDIFACT payloads of inbound AS2 messages to processAs2Payload, oldest first:
// at start, every `intervalMs`, and at once when the receive path signals one (after its MDN).
// One drain at a time in this process (a signal during a drain makes it look again); across
// processes the write transaction of processAs2Payload is the lock: it re-reads the state
// inside it, so a message is processed once whoever gets there first. A payload that fails
// unexpectedly is retried on the next passes and marked failed, with the reason, after
// `maxAttempts`; the message row and audit trail then say why.
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

export interface EdifactWorker extends PeriodicTask {
  /** Processes everything waiting now; resolves with how many messages were processed. */
  drain(): Promise<number>;
}

export function createEdifactWorker(options: EdifactWorkerOptions): EdifactWorker {
  const { ctx, log } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const failures = new Map<string, number>();
  let draining: Promise<number> | null = null;
  let again = false;
  let stopWakeUps: (() => void) | undefined;

  async function pass(): Promise<number> {
    let processed = 0;
    const tried = new Set<string>();
    for (;;) {
      const waiting = await ctx.db.all<{ id: string }>("SELECT id FROM as2_messages WHERE edifact_state = 'waiting' ORDER BY received_at, id LIMIT 20");
      const next = waiting.filter((w) => !tried.has(w.id));
      if (next.length === 0) return processed;
      for (const { id } of next) {
        tried.add(id);
        try {
          const result = await processAs2Payload(ctx, { as2MessageId: id });
          failures.delete(id);
          processed++;
          log.info('edifact payload processed', { as2MessageRowId: id, interchanges: result.interchanges, accepted: result.accepted, rejected: result.rejected });
        } catch (e) {
          const attempts = (failures.get(id) ?? 0) + 1;
          failures.set(id, attempts);
          const reason = e instanceof Error ? e.message : String(e);
          log.error('edifact payload failed', { as2MessageRowId: id, attempts, err: e });
          if (attempts >= maxAttempts) {
            await markPayloadFailed(ctx, id, `processing failed ${attempts} times: ${reason}`);
            failures.delete(id);
          }
        }
      }
    }
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
