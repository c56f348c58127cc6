import type { UseCaseContext } from '../context.ts';
import type { Logger } from '../log.ts';
import { createPeriodicTask, type PeriodicTask } from '../scheduling/periodic-task.ts';
import { sendScarReminders, type ScarReminderOptions } from './send-scar-reminders.ts';

export interface ScarSchedulerOptions extends ScarReminderOptions {
  ctx: UseCaseContext;
  log: Logger;
  /** How often to look; an hour by default. */
  intervalMs?: number;
}

/**
 * Runs the SCAR reminders and escalations in the server process: at start, then every hour,
 * one instance at a time (a pass lease); each step's reminder and escalation is claimed once,
 * so a restart or a second server sends nothing twice.
 */
export function createScarScheduler(options: ScarSchedulerOptions): PeriodicTask<number> {
  const { ctx, log } = options;
  return createPeriodicTask({
    name: 'SCAR reminders',
    log,
    intervalMs: options.intervalMs ?? 3_600_000,
    lease: { db: ctx.db, clock: ctx.clock, name: 'scar-reminders' },
    task: async () => {
      const sent = await sendScarReminders(ctx, { portalUrl: options.portalUrl });
      if (sent.length) log.info('SCAR reminders sent', { reminders: sent.filter((s) => s.kind === 'reminder').length, escalations: sent.filter((s) => s.kind === 'escalation').length });
      return sent.length;
    },
  });
}
