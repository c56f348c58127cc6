import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { MigrationFile } from '../db/apply-migrations.ts';
import { checkMigrations } from './check-migrations.ts';
import { checkTriggers } from './check-triggers.ts';
import { checkSecuritySettings } from './check-security-settings.ts';
import { checkKeys, keysInstalled } from './check-keys.ts';
import { checkClock, type ClockReference } from './check-clock.ts';
import { checkRuntime, type RuntimeFacts } from './check-runtime.ts';
import { checkCommit, type CommitFacts } from './check-commit.ts';
import { checkAuditChain } from './check-audit-chain.ts';
import { checkSignedRecords } from './check-signed-records.ts';
import type { ValidationCheck } from './report.ts';

/**
 * What the IQ checks compare the database and settings with. The migrations are needed
 * everywhere (on Node: read-installation.ts reads them; a Worker has them in its bundle); the
 * rest is what the runtime can tell (a Worker has no node_modules, git or timedatectl: leave
 * them out and those checks are not run).
 */
export interface InstallationSources {
  migrations: readonly MigrationFile[];
  sha256Sums: string;
  runtime?: RuntimeFacts;
  commit?: CommitFacts;
  ntpSynchronized?: boolean | null;
  /** Clocks to read ours against besides the database's (e.g. a running server's HTTP Date). */
  clockReferences?: readonly ClockReference[];
}

/** The database's own clock, read against ours (for an embedded database: the same host clock, said as such). */
export async function databaseClock(db: Db, clock: Clock): Promise<ClockReference> {
  const before = clock.now().getTime();
  const row = await db.get<{ now: string }>("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS now");
  const after = clock.now().getTime();
  return { source: 'database', at: row ? new Date(row.now) : null, localAt: new Date((before + after) / 2), resolutionMs: after - before };
}

/** The IQ checks, in report order: runtime, commit, migrations, triggers, security, keys, clock. */
export async function runInstallationChecks(ctx: { db: Db; clock: Clock; config: Pick<Config, 'policy' | 'publicUrl' | 'trustProxy'> }, sources: InstallationSources): Promise<ValidationCheck[]> {
  const checks: ValidationCheck[] = [];
  if (sources.runtime) checks.push(checkRuntime(sources.runtime));
  if (sources.commit) checks.push(checkCommit(sources.commit));
  checks.push(await checkMigrations(ctx.db, sources.migrations, sources.sha256Sums));
  checks.push(await checkTriggers(ctx.db, sources.migrations));
  checks.push(checkSecuritySettings(ctx.config, await keysInstalled(ctx.db)));
  checks.push(await checkKeys(ctx.db, ctx.clock.now()));
  const references = [await databaseClock(ctx.db, ctx.clock), ...(sources.clockReferences ?? [])];
  checks.push(checkClock(ctx.clock.now(), references, sources.ntpSynchronized ?? null));
  return checks;
}

/** The PQ checks that read the running database in place: the audit trail and every signed record (the recall drill, on a copy, is recall-drill.ts, Node only). */
export async function runDataChecks(db: Db): Promise<ValidationCheck[]> {
  return [await checkAuditChain(db), await checkSignedRecords(db)];
}
