import type { UseCaseContext } from '../context.ts';
import type { Logger } from '../log.ts';
import { createPeriodicTask, type PeriodicTask } from '../scheduling/periodic-task.ts';
import { checkAuditTrail } from './check-audit-trail.ts';

const fullEveryMs = 24 * 3_600_000;

/**
 * Verifies the audit trail in the background: what was appended since the last verification
 * every few minutes, and the whole trail once a day (an entry changed before the last verified
 * point is only caught by a full pass). The audit page shows the newest result.
 */
export function createAuditCheckScheduler(options: { ctx: UseCaseContext; log: Logger; intervalMs?: number }): PeriodicTask<{ ok: boolean }> {
  const { ctx, log } = options;
  return createPeriodicTask({
    name: 'audit trail check',
    log,
    intervalMs: options.intervalMs ?? 5 * 60_000,
    // One instance at a time: two would verify the same entries twice.
    lease: { db: ctx.db, clock: ctx.clock, name: 'audit-check' },
    async task() {
      const lastFull = await ctx.db.get<{ at: string }>("SELECT at FROM audit_verifications WHERE kind = 'full' ORDER BY id DESC LIMIT 1");
      const due = !lastFull || ctx.clock.now().getTime() - Date.parse(lastFull.at) >= fullEveryMs;
      const result = await checkAuditTrail(ctx.db, ctx.clock, due ? 'full' : 'incremental');
      if (!result.ok) log.error('the audit trail does not verify', { firstBrokenSeq: result.firstBrokenSeq, code: result.code });
      return { ok: result.ok };
    },
  });
}
