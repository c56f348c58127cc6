import type { UseCaseContext } from '../context.ts';
import type { Logger } from '../log.ts';
import { createPeriodicTask, type PeriodicTask } from '../scheduling/periodic-task.ts';
import { downgradeForExpiredCertificates } from '../supplier-approvals/downgrade-approvals.ts';
import { sendExpiryReminders, type ExpiryReminderOptions } from './send-expiry-reminders.ts';

export interface ExpirySchedulerOptions extends ExpiryReminderOptions {
  ctx: UseCaseContext;
  log: Logger;
  /** How often to look; an hour by default. */
  intervalMs?: number;
}

/**
 * Runs the certificate expiry reminders (and the approved supplier list's downgrades for expired
 * certificates) in the server process: at start, then every hour, one
 * instance at a time (a pass lease). Reminders are recorded per certificate version and
 * threshold, so a restart, an overlapping run or a second server sends nothing twice.
 */
export function createExpiryScheduler(options: ExpirySchedulerOptions): PeriodicTask<number> {
  const { ctx, log } = options;
  return createPeriodicTask({
    name: 'certificate expiry reminders',
    log,
    intervalMs: options.intervalMs ?? 3_600_000,
    lease: { db: ctx.db, clock: ctx.clock, name: 'certificate-expiry-reminders' },
    task: async () => {
      const sent = await sendExpiryReminders(ctx, { portalUrl: options.portalUrl });
      if (sent.length) log.info('certificate expiry reminders sent', { reminders: sent.length, mails: sent.reduce((n, r) => n + r.mailIds.length, 0) });
      // The approved supplier list: entries requiring a certificate that has now expired become conditional.
      const downgraded = await downgradeForExpiredCertificates(ctx, { portalUrl: options.portalUrl });
      if (downgraded.length) log.info('approved supplier list entries downgraded', { entries: downgraded.length });
      return sent.length;
    },
  });
}
