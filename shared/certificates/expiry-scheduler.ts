import type { UseCaseContext } from '../context.ts';
import type { Logger } from '../log.ts';
import { sendExpiryReminders, type ExpiryReminderOptions } from './send-expiry-reminders.ts';

export interface ExpirySchedulerOptions extends ExpiryReminderOptions {
  ctx: UseCaseContext;
  log: Logger;
  /** How often to look; an hour by default. */
  intervalMs?: number;
}

/**
 * Runs the certificate expiry reminders in the server process: at start, then every hour.
 * Reminders are recorded per certificate version and threshold, so a restart, an overlapping
 * run or a second server sends nothing twice.
 */
export function createExpiryScheduler(options: ExpirySchedulerOptions) {
  const { ctx, log } = options;
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy: Promise<void> | null = null;
  let running = false;

  function run(): void {
    if (!running || busy) return;
    busy = (async () => {
      try {
        const sent = await sendExpiryReminders(ctx, { portalUrl: options.portalUrl });
        if (sent.length) log.info('certificate expiry reminders sent', { reminders: sent.length, mails: sent.reduce((n, r) => n + r.mailIds.length, 0) });
      } catch (e) {
        log.error('certificate expiry reminders failed', { err: e });
      } finally {
        busy = null;
      }
    })();
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      timer = setInterval(run, options.intervalMs ?? 3_600_000);
      timer.unref?.();
      run();
    },
    async stop(): Promise<void> {
      running = false;
      clearInterval(timer);
      await busy;
    },
  };
}

export type ExpiryScheduler = ReturnType<typeof createExpiryScheduler>;
