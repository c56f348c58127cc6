// OQ `oq.tests` (issue 19): the results of the test tiers, whether `lotbridge validate` ran them
// or was given CI's results (--test-results). Either way they count only when they can be tied to
// the code installed: `npm test` (tests/run.js) writes a provenance record, test-results/run.json,
// beside Vitest's JSON, naming the commit tested, whether its tree was modified, the exit code and
// the SHA-256 of the results file. Runtime-neutral: the caller reads the files.
import { checkResult, finding } from './check.ts';
import type { CommitFacts } from './check-commit.ts';
import type { Finding, RequirementResult, ValidationCheck } from './report.ts';
import type { VitestJson } from './trace.ts';

/** test-results/run.json, written by tests/run.js after every run. */
export interface TestRunProvenance {
  format: 'lotbridge-test-run/1';
  commit: string | null;
  /** Where the commit was read: 'git' (a checkout, which also tells modified files), 'stamp' (LOTBRIDGE_COMMIT) or 'unknown'. */
  commitSource: 'git' | 'stamp' | 'unknown';
  /** Tracked files changed since that commit when the tests ran (null when not known). */
  modifiedFiles: number | null;
  startedAt: string; // ISO 8601
  finishedAt: string;
  node: string;
  /** Arguments given to `npm test` (a filter runs part of the tiers). */
  args: string[];
  exitCode: number;
  /** SHA-256 (hex) of the results file (vitest.json) as the run wrote it. */
  resultsSha256: string;
}

export function isTestRunProvenance(value: unknown): value is TestRunProvenance {
  const v = value as Partial<TestRunProvenance> | null;
  return (
    !!v &&
    v.format === 'lotbridge-test-run/1' &&
    (v.commit === null || typeof v.commit === 'string') &&
    (v.commitSource === 'git' || v.commitSource === 'stamp' || v.commitSource === 'unknown') &&
    (v.modifiedFiles === null || typeof v.modifiedFiles === 'number') &&
    typeof v.startedAt === 'string' &&
    typeof v.finishedAt === 'string' &&
    typeof v.node === 'string' &&
    Array.isArray(v.args) &&
    typeof v.exitCode === 'number' &&
    typeof v.resultsSha256 === 'string'
  );
}

export function isVitestJson(value: unknown): value is VitestJson {
  const v = value as Partial<VitestJson> | null;
  return !!v && Array.isArray(v.testResults) && v.testResults.every((f) => typeof f?.name === 'string' && Array.isArray(f.assertionResults));
}

/** How many requirement ids a finding names before it says "and N more". */
const namedAtMost = 5;

/**
 * The OQ check. `results`/`provenance` are null when unreadable; `resultsSha256` is that of the
 * results file as read; `requirements` are the traced results (traceResults). It fails when the
 * results cannot be read or tied to the installed commit, when the run failed, or when a
 * requirement of the catalogue has no result in it (a partial run proves only part).
 */
export function checkTestResults(input: {
  from: string; // the results file, or the command that ran the tests
  /** The tests ran here, now, on the installed tree: a modified tree is the installation's deviation (iq.commit), not OQ's. */
  ranHere: boolean;
  results: VitestJson | null;
  resultsSha256: string | null;
  provenance: TestRunProvenance | null;
  installed: CommitFacts;
  requirements: RequirementResult[];
}): ValidationCheck {
  const { results, provenance, installed } = input;
  const file = input.from;
  if (!results) return checkResult('oq.tests', 'OQ', { resultsFrom: file }, [finding('tests_not_readable', { file })]);

  const tests = results.testResults.flatMap((f) => f.assertionResults);
  const findings: Finding[] = [];
  if (!provenance) findings.push(finding('tests_provenance_missing', { file }));
  else {
    if (provenance.resultsSha256 !== input.resultsSha256) findings.push(finding('tests_provenance_mismatch', { file }));
    if (provenance.commit === null) findings.push(finding('tests_commit_unknown'));
    else if (installed.commit !== null && provenance.commit !== installed.commit) {
      findings.push(finding('tests_other_commit', { tested: provenance.commit, installed: installed.commit }));
    }
    if (!input.ranHere) {
      // Results brought from elsewhere prove the commit only when a checkout says its tree was unmodified.
      if (provenance.commitSource !== 'git' || provenance.modifiedFiles === null) findings.push(finding('tests_tree_unknown', { commit: provenance.commit ?? '' }));
      else if (provenance.modifiedFiles > 0) findings.push(finding('tests_tree_modified', { files: provenance.modifiedFiles, commit: provenance.commit ?? '' }));
    }
    if (provenance.exitCode !== 0) findings.push(finding('tests_failed', { code: provenance.exitCode }));
    // A filtered run (npm test -- FILTER) leaves out tests no requirement names; their failures would not show.
    if (provenance.args.length) findings.push(finding('tests_filtered', { args: provenance.args.join(' ') }));
  }
  const notRun = input.requirements.filter((r) => r.status === 'not_run').map((r) => r.id);
  if (notRun.length) {
    const named = notRun.slice(0, namedAtMost).join(', ');
    findings.push(finding('requirements_not_run', { count: notRun.length, requirements: notRun.length > namedAtMost ? `${named} …` : named }));
  }
  const facts: ValidationCheck['facts'] = {
    resultsFrom: file,
    ...(input.resultsSha256 ? { resultsSha256: input.resultsSha256 } : {}),
    ...(provenance
      ? { testedCommit: provenance.commit ?? 'unknown', startedAt: provenance.startedAt, finishedAt: provenance.finishedAt, testNode: provenance.node, exitCode: provenance.exitCode }
      : {}),
    ...(provenance?.args.length ? { testArgs: provenance.args.join(' ') } : {}),
    tests: tests.length,
    passed: tests.filter((t) => t.status === 'passed').length,
    failed: tests.filter((t) => t.status === 'failed').length,
  };
  return checkResult('oq.tests', 'OQ', facts, findings);
}
