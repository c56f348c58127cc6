// The nightly self-check in the server (issue 19): the IQ and PQ checks of the validation
// package run on the live database, each run stored (validation_self_checks); the newest run's
// failing checks are the drift the administrator's and QA's home pages show.
import type { UseCaseContext } from '../context.ts';
import type { Db } from '../db/index.ts';
import type { Logger } from '../log.ts';
import { newId } from '../ids.ts';
import { createPeriodicTask, type PeriodicTask } from '../scheduling/periodic-task.ts';
import type { ValidationCheck, ValidationPart } from './report.ts';

/** What the self-check runs: one or more checks, under an id and part named before it runs (a crash is reported under them). */
export interface SelfCheck {
  id: string;
  part: ValidationPart;
  run(ctx: UseCaseContext): Promise<ValidationCheck | ValidationCheck[]>;
}

export interface SelfCheckRun {
  id: string;
  startedAt: string;
  finishedAt: string;
  passed: boolean;
  checks: ValidationCheck[];
}

/**
 * Runs every check, one after another: a check that throws is a failed check with the finding
 * `validationPortal.finding.checkFailed` (it could not say the system is as specified), not a
 * stopped run. The run is stored and returned.
 */
export async function runSelfCheck(ctx: UseCaseContext, checks: readonly SelfCheck[]): Promise<SelfCheckRun> {
  const startedAt = ctx.clock.now().toISOString();
  const results: ValidationCheck[] = [];
  for (const check of checks) {
    try {
      results.push(...[await check.run(ctx)].flat());
    } catch (e) {
      results.push({
        id: check.id,
        part: check.part,
        status: 'fail',
        facts: {},
        findings: [{ code: 'validationPortal.finding.checkFailed', params: { check: check.id, message: String((e as Error).message ?? e).slice(0, 300) } }],
      });
    }
  }
  const run: SelfCheckRun = {
    id: newId('vsc'),
    startedAt,
    finishedAt: ctx.clock.now().toISOString(),
    passed: results.every((c) => c.status !== 'fail'),
    checks: results,
  };
  await ctx.db.run('INSERT INTO validation_self_checks (id, started_at, finished_at, passed, checks) VALUES (?, ?, ?, ?, ?)', [
    run.id,
    run.startedAt,
    run.finishedAt,
    run.passed ? 1 : 0,
    JSON.stringify(run.checks),
  ]);
  return run;
}

/** The newest run, or null before the first. */
export async function latestSelfCheck(db: Db): Promise<SelfCheckRun | null> {
  const row = await db.get<{ id: string; started_at: string; finished_at: string; passed: number; checks: string }>(
    'SELECT id, started_at, finished_at, passed, checks FROM validation_self_checks ORDER BY finished_at DESC, rowid DESC LIMIT 1',
  );
  return row ? { id: row.id, startedAt: row.started_at, finishedAt: row.finished_at, passed: row.passed === 1, checks: JSON.parse(row.checks) as ValidationCheck[] } : null;
}

/** The hour (UTC) of the nightly run. */
export const nightlyHourUtc = 2;

/** The latest nightly instant (02:00 UTC) at or before `now`. */
export function lastNightly(now: Date): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), nightlyHourUtc));
  return at.getTime() <= now.getTime() ? at : new Date(at.getTime() - 86_400_000);
}

/** Whether a run is due: none yet (a new installation is checked at once), or none since the last 02:00 UTC. */
export async function selfCheckDue(ctx: UseCaseContext): Promise<boolean> {
  const last = await ctx.db.get<{ started_at: string }>('SELECT started_at FROM validation_self_checks ORDER BY started_at DESC LIMIT 1');
  return !last || last.started_at < lastNightly(ctx.clock.now()).toISOString();
}

export type SelfCheckPass = { ran: false; reason: 'not due' } | { ran: true; passed: boolean; failed: string[] };

/**
 * The self-check in the server: looks every hour whether the nightly run is due and runs it on
 * one instance (a pass lease; the run is recorded, so the next instance to look finds it done).
 * A failing check is logged as an error as well as shown on the home pages.
 */
export function createSelfCheckScheduler(options: { ctx: UseCaseContext; log: Logger; checks: readonly SelfCheck[]; intervalMs?: number }): PeriodicTask<SelfCheckPass> {
  const { ctx, log } = options;
  return createPeriodicTask({
    name: 'validation self-check',
    log,
    intervalMs: options.intervalMs ?? 3_600_000,
    lease: { db: ctx.db, clock: ctx.clock, name: 'validation-self-check', leaseMs: 30 * 60_000 },
    async task(): Promise<SelfCheckPass> {
      if (!(await selfCheckDue(ctx))) return { ran: false, reason: 'not due' };
      const run = await runSelfCheck(ctx, options.checks);
      const failed = run.checks.filter((c) => c.status === 'fail').map((c) => c.id);
      if (failed.length) log.error('the validation self-check found drift', { run: run.id, failed });
      // A pass is kept in validation_self_checks and shown on /validation; the log stays quiet about it
      // (it runs at a new installation's first start, whose output ends with the address and sign-ins).
      else log.debug('the validation self-check passed', { run: run.id, checks: run.checks.length });
      return { ran: true, passed: run.passed, failed };
    },
  });
}
