import type { UseCaseContext } from '../context.ts';
import type { Logger } from '../log.ts';
import { createPeriodicTask, type PeriodicTask } from '../scheduling/periodic-task.ts';
import { sendRecallFollowUps, type FollowUpOptions } from './send-recall-follow-ups.ts';
import { sendActionFollowUps } from './send-action-follow-ups.ts';

export interface RecallFollowUpSchedulerOptions extends FollowUpOptions {
  ctx: UseCaseContext;
  log: Logger;
  /**
   * How often to look; 15 minutes by default. The tightest schedule (severity 1) counts in
   * days, so a follow-up goes out at most a quarter of an hour late.
   */
  intervalMs?: number;
}

/** The recall follow-ups (reminders, second and final notices; open quarantine and returns after a reply) in the server process. */
/** One instance at a time (a pass lease); what was sent is recorded, so nothing goes out twice. Resolves with how many follow-ups were sent. */
export function createRecallFollowUpScheduler(options: RecallFollowUpSchedulerOptions): PeriodicTask<number> {
  const { ctx, log } = options;
  return createPeriodicTask({
    name: 'recall follow-ups',
    log,
    intervalMs: options.intervalMs ?? 15 * 60_000,
    lease: { db: ctx.db, clock: ctx.clock, name: 'recall-follow-ups' },
    task: async () => {
      const sent = await sendRecallFollowUps(ctx, { portalUrl: options.portalUrl });
      // Consignees that replied but left quarantine or returns open past their due date.
      const actions = await sendActionFollowUps(ctx, { portalUrl: options.portalUrl });
      if (actions.length) log.info('recall open-action follow-ups sent', { reminders: actions.filter((s) => s.kind.endsWith('_reminder')).length, finalNotices: actions.filter((s) => s.kind.endsWith('_final_notice')).length });
      if (sent.length === 0) return actions.length;
      const count = (kind: string) => sent.filter((s) => s.kind === kind).length;
      log.info('recall follow-ups sent', { reminders: count('reminder'), secondNotices: count('second_notice'), finalNotices: count('final_notice'), mails: sent.reduce((n, s) => n + s.mailIds.length, 0) });
      return sent.length + actions.length;
    },
  });
}
