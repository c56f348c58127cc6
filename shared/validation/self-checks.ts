// The checks the server's nightly self-check runs (self-check.ts): the IQ and PQ checks of
// `lotbridge validate` (run-checks.ts), on the live database. Runtime-neutral: what the IQ
// checks compare with (the migrations, their SHA256SUMS, the commit) is read by the entry that
// can read it (the Node server: read-installation.ts).
import type { Config } from '../config.ts';
import { runDataChecks, runInstallationChecks, type InstallationSources } from './run-checks.ts';
import type { SelfCheck } from './self-check.ts';

/** PQ on the database in place: the audit trail and every signed record (the recall drill, on a copy, stays the CLI's). */
export const dataChecks: SelfCheck = { id: 'pq.data', part: 'PQ', run: (ctx) => runDataChecks(ctx.db) };

/**
 * The nightly self-check: IQ (migrations against SHA256SUMS and the database, every protective
 * trigger, the security settings in force, keys, clock; the commit) and PQ. The Node and
 * dependency versions are the CLI's: the running process loaded its modules at start, and a
 * production install without devDependencies would report drift every night.
 */
export function nightlyChecks(sources: Omit<InstallationSources, 'runtime'>, config: Pick<Config, 'policy' | 'publicUrl' | 'trustProxy'>): SelfCheck[] {
  return [{ id: 'iq.installation', part: 'IQ', run: (ctx) => runInstallationChecks({ db: ctx.db, clock: ctx.clock, config }, sources) }, dataChecks];
}
