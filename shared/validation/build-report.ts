import type { ClauseSummary, Finding, RequirementResult, ValidationCheck, ValidationReport } from './report.ts';
import type { CommitFacts } from './check-commit.ts';
import { finding } from './check.ts';

/**
 * The report from the checks run and the trace of the test results (traceResults; every
 * requirement 'not_run' without a run). It passes when no check and no requirement failed.
 * Deviations: every finding of a failed check, each failed requirement, and what limits the
 * evidence without failing it (tests not run, an unknown or modified commit, a drill skipped).
 */
export function buildReport(input: {
  generatedAt: Date;
  commit: CommitFacts | null;
  environment: Record<string, string>;
  checks: ValidationCheck[];
  requirements: RequirementResult[];
  clauses: ClauseSummary[];
}): ValidationReport {
  const deviations: Finding[] = input.checks.flatMap((c) => (c.status === 'fail' ? c.findings : []));
  for (const r of input.requirements) {
    const failed = r.tests.filter((t) => t.status === 'failed').length;
    if (r.status === 'fail') deviations.push(finding('requirement_failed', { requirement: r.id, failed }));
  }
  const oq = input.checks.find((c) => c.id === 'oq.tests');
  if (!oq || oq.status === 'skipped') deviations.push(finding('tests_skipped'));
  const drill = input.checks.find((c) => c.id === 'pq.recall_drill');
  if (drill?.status === 'skipped') deviations.push(finding(drill.facts.reason === 'remote_database' ? 'drill_remote' : 'drill_skipped'));
  if (input.commit && input.commit.commit === null) deviations.push(finding('commit_unknown'));
  if (input.commit?.modifiedFiles) deviations.push(finding('commit_modified', { files: input.commit.modifiedFiles, commit: input.commit.commit ?? '' }));
  const passed = input.checks.every((c) => c.status !== 'fail') && input.requirements.every((r) => r.status !== 'fail');
  return {
    format: 'lotbridge-validation/1',
    generatedAt: input.generatedAt.toISOString(),
    commit: input.commit?.commit ?? null,
    environment: input.environment,
    passed,
    checks: input.checks,
    requirements: input.requirements,
    clauses: input.clauses,
    deviations,
  };
}
