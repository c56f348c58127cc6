import type { Logger } from '../log.ts';

export interface PeriodicTask {
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `task` in the server process at start, then every `intervalMs`. A run still busy when
 * the timer fires is not doubled; a failure is logged and the next run tries again. The tasks
 * record what they did, so a restart or a second server does nothing twice.
 */
export function createPeriodicTask(options: { name: string; log: Logger; intervalMs: number; task: () => Promise<void> }): PeriodicTask {
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy: Promise<void> | null = null;
  let running = false;

  function run(): void {
    if (!running || busy) return;
    busy = (async () => {
      try {
        await options.task();
      } catch (e) {
        options.log.error(`${options.name} failed`, { err: e });
      } finally {
        busy = null;
      }
    })();
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
  };
}
