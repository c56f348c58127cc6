// `lotbridge validate`, registered in commands.ts: the validation package (issue 19) from the
// installation itself. Reads the database without migrating it (a pending or edited migration is
// a finding, not something to repair), rehearses a recall on a copy, writes the report.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { loadConfig } from '../../shared/config.ts';
import { systemClock } from '../../shared/clock.ts';
import { openDb } from '../../shared/db/index.ts';
import { keyFileExists, keySource, loadKeyring } from '../../shared/keys/key-file.ts';
import { readCommit, readHttpClock, readMigrationSources, readNtpSynchronized, readRuntimeFacts } from '../../shared/validation/read-installation.ts';
import { runDataChecks, runInstallationChecks } from '../../shared/validation/run-checks.ts';
import { runRecallDrill } from '../../shared/validation/recall-drill.ts';
import { checkResult } from '../../shared/validation/check.ts';
import { buildReport } from '../../shared/validation/build-report.ts';
import { renderReportPdf, wordFinding } from '../../shared/validation/render-report-pdf.ts';
import { traceResults, type VitestJson } from '../../shared/validation/trace.ts';
import { checkTestResults, isTestRunProvenance, isVitestJson, type TestRunProvenance } from '../../shared/validation/check-test-results.ts';
import { catalogue } from '../../shared/validation/catalogue.ts';
import type { ValidationCheck } from '../../shared/validation/report.ts';
import { isLocale, locales, translate, type MessageKey } from '../../shared/i18n/index.ts';
import { resolveDatabaseUrl } from '../node/open-app.ts';
import { migrationsDir, rootDir } from '../node/paths.ts';
import type { Command } from './commands.ts';

/** Vitest's JSON results and, beside them, the run's provenance (run.json, written by tests/run.js); null where unreadable. */
function readTestResults(file: string): { results: VitestJson | null; resultsSha256: string | null; provenance: TestRunProvenance | null } {
  const json = (path: string): unknown => {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return null;
    }
  };
  const results = json(file);
  const provenance = json(join(dirname(file), 'run.json'));
  return {
    results: isVitestJson(results) ? results : null,
    resultsSha256: existsSync(file) ? sha256(readFileSync(file)) : null,
    provenance: isTestRunProvenance(provenance) ? provenance : null,
  };
}

/** OQ: the test tiers through tests/run.js (Vitest's JSON reporter into test-results/vitest.json, its provenance beside it). */
function runTests(): string {
  spawnSync(process.execPath, [join(rootDir, 'tests', 'run.js')], { cwd: rootDir, stdio: ['ignore', 'inherit', 'inherit'] });
  return join(rootDir, 'test-results', 'vitest.json');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** A database URL as it may be printed: no credentials, no query. */
const shownUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//').split('?')[0]!;

export const validateCommands: Record<string, Command> = {
  validate: {
    summary: 'write the validation package (IQ, OQ, PQ) of this installation and DATABASE_URL into a folder: report.json, report.pdf, report.sha256; exit 1 when anything fails',
    usage: '--out DIR [--skip-tests | --test-results FILE] [--lang en|zh-CN|de]',
    details:
      'IQ: Node and packages against package-lock.json, the commit, migration checksums, protective triggers, security settings, key fingerprints, clock. ' +
      'OQ: the test tiers (node tests/run.js), or the results of a run of the same commit (--test-results, e.g. CI\'s test-results/vitest.json with its run.json beside it), mapped to requirements and clauses. ' +
      'PQ: audit verify, every signed record, a recall drill on a copy of the database (nothing is sent). The database is not migrated.',
    options: {
      out: { type: 'string', help: 'folder to write the report into (created if needed)' },
      'skip-tests': { type: 'boolean', help: 'IQ and PQ only: do not run the test tiers' },
      'test-results': { type: 'string', help: 'take the OQ results from this vitest.json (npm test writes it into test-results/, with run.json beside it naming the commit tested) instead of running the tiers' },
      lang: { type: 'string', help: 'language of report.pdf: en (default), zh-CN or de' },
    },
    async run(values) {
      const out = typeof values.out === 'string' && values.out.trim() ? resolve(values.out) : undefined;
      if (!out) throw new AppError('invalid_input', '--out is required');
      const lang = (values.lang as string | undefined) ?? 'en';
      if (!isLocale(lang)) throw new AppError('invalid_input', `--lang must be one of ${locales.join(', ')} (got "${lang}")`);
      const given = typeof values['test-results'] === 'string' && values['test-results'].trim() ? resolve(values['test-results']) : undefined;
      if (given && values['skip-tests']) throw new AppError('invalid_input', '--test-results and --skip-tests exclude each other');
      if (given && !existsSync(given)) throw new AppError('invalid_input', `no test results at ${given} (--test-results)`);
      const say = (line: string) => console.log(line);
      const config = loadConfig();
      const url = resolveDatabaseUrl(config.databaseUrl);
      const embedded = url.startsWith('file:') && !url.startsWith('file::memory:');
      if (embedded && !existsSync(url.slice('file:'.length))) {
        throw new AppError('invalid_input', `no database at ${shownUrl(url)} (DATABASE_URL)`);
      }
      const source = keySource(url);
      // Never made here: a missing key file is a finding, not a new key.
      const keys = () => {
        if (!keyFileExists(source)) throw new AppError('conflict', `the key file ${source.file} is missing`);
        return loadKeyring(source);
      };
      const db = openDb(url, config.databaseAuthToken, keys);
      const checks: ValidationCheck[] = [];
      const report = (c: ValidationCheck) => {
        checks.push(c);
        say(`  ${c.status === 'fail' ? 'FAIL' : c.status === 'skipped' ? 'skip' : 'ok  '} ${translate('en', `validation.check.${c.id}` as MessageKey)}`);
        for (const f of c.findings) say(`       ${wordFinding('en', f)}`);
      };
      const commit = readCommit(rootDir);
      let traced = traceResults(null, catalogue);
      try {
        say(`Validating ${shownUrl(url)} (commit ${commit.commit ?? 'unknown'})`);
        say('IQ: installation');
        const migrations = readMigrationSources(migrationsDir);
        const iq = await runInstallationChecks(
          { db, clock: systemClock, config },
          {
            migrations: migrations.files,
            sha256Sums: migrations.sha256Sums,
            runtime: readRuntimeFacts(rootDir),
            commit,
            ntpSynchronized: readNtpSynchronized(),
            // The running server's HTTP Date, when PUBLIC_URL names one (offline, nothing else is asked).
            clockReferences: config.publicUrl ? [await readHttpClock(config.publicUrl.origin)] : [],
          },
        );
        iq.forEach(report);
        if (values['skip-tests']) {
          say('OQ: skipped (--skip-tests)');
          report(checkResult('oq.tests', 'OQ', { reason: 'skip_tests' }, [], true));
        } else {
          if (given) say(`OQ: the results in ${given}`);
          else say('OQ: running the test tiers (node tests/run.js)…');
          const file = given ?? runTests();
          const read = readTestResults(file);
          traced = traceResults(read.results, catalogue);
          report(checkTestResults({ ...read, from: given ?? relative(rootDir, file), ranHere: !given, installed: commit, requirements: traced.requirements }));
        }
        say('PQ: the running database');
        (await runDataChecks(db)).forEach(report);
        say('PQ: recall drill on a copy of the database…');
        // A copy is made of an embedded database file; a remote database is not copied from here.
        if (embedded) report(await runRecallDrill({ db, keys, clock: systemClock, portalUrl: config.publicUrl?.origin ?? `http://localhost:${config.port}` }));
        else report(checkResult('pq.recall_drill', 'PQ', { reason: 'remote_database' }, [], true));
      } finally {
        db.close();
      }
      const result = buildReport({
        generatedAt: systemClock.now(),
        commit,
        environment: {
          lotbridge: (JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { version: string }).version,
          node: process.version,
          platform: `${process.platform} ${process.arch}`,
          host: hostname(),
          database: shownUrl(url),
          keys: source.fromEnvironment ? 'LOTBRIDGE_KEY' : (source.file ?? ''),
          tests: values['skip-tests'] ? 'skipped' : given ? `results of an earlier run: ${given}` : 'node tests/run.js',
        },
        checks,
        requirements: traced.requirements,
        clauses: traced.clauses,
      });
      mkdirSync(out, { recursive: true });
      const json = new TextEncoder().encode(JSON.stringify(result, null, 2) + '\n');
      const pdf = await renderReportPdf(result, lang);
      writeFileSync(join(out, 'report.json'), json);
      writeFileSync(join(out, 'report.pdf'), pdf);
      writeFileSync(join(out, 'report.sha256'), `${sha256(json)}  report.json\n${sha256(pdf)}  report.pdf\n`);
      const failedReqs = result.requirements.filter((r) => r.status === 'fail').length;
      say(`Requirements: ${result.requirements.filter((r) => r.status === 'pass').length} pass, ${failedReqs} fail, ${result.requirements.filter((r) => r.status === 'not_run').length} not run`);
      say(`Report written to ${out} (report.json, report.pdf, report.sha256): ${result.passed ? 'PASSED' : 'FAILED'}`);
      return result.passed ? 0 : 1;
    },
  },
};
