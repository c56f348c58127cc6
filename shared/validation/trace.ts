// The trace from requirements to tests (issue 19): maps a Vitest JSON run (test-results/vitest.json,
// written by `npm test`) to each requirement's tests and results and to a summary per regulation clause.
// Runtime-neutral: it reads nothing itself; the caller passes the parsed JSON and the catalogue
// (shared/validation/catalogue.ts).
import type { ClauseSummary, RequirementResult } from './report.ts';

/** One regulation clause; `gap` says why no requirement of Lotbridge covers it. */
export interface Clause {
  id: string; // e.g. '21CFR11.10(e)'
  title: string;
  /** Set when no requirement covers the clause: the honest reason (e.g. the customer's own procedure). */
  gap?: string;
  /** What of a covered clause stays with the customer (e.g. 11.100(c), the letter to the FDA). */
  note?: string;
}

export interface Requirement {
  id: string; // e.g. 'REQ-P11-AUDIT-01'
  text: string;
  clauses: string[];
}

export interface TracedTest {
  /** Relative to the repository root, with forward slashes, e.g. 'tests/integration/audit-trail.test.ts'. */
  file: string;
  /** The test's own name as written in it()/test(), tags included (for it.each, with its %s). */
  name: string;
}

export interface Catalogue {
  clauses: Clause[];
  requirements: Requirement[];
  /** The committed trace (shared/validation/trace.json): requirement id → its tagged tests. */
  trace: Record<string, TracedTest[]>;
}

/** The part of Vitest's JSON reporter output that the trace reads. */
export interface VitestJson {
  testResults: {
    name: string; // absolute path of the test file
    assertionResults: { title: string; ancestorTitles?: string[]; fullName?: string; status: string }[];
  }[];
}

type TestResult = RequirementResult['tests'][number];

/** `[REQ-…]` tags in a test name. */
export const tagPattern = /\[(REQ-[A-Z0-9]+(?:-[A-Z0-9]+)+)\]/g;

export function tagsOf(name: string): string[] {
  return [...name.matchAll(tagPattern)].map((m) => m[1]!);
}

export function tierOf(file: string): TestResult['tier'] {
  if (file.includes('tests/e2e/')) return 'e2e';
  if (file.includes('tests/integration/')) return 'integration';
  if (file.includes('tests/workers/')) return 'workers';
  return 'unit';
}

/** A name as written matches the titles Vitest reports for it: it.each fills %s, %d … and $name. */
function namePattern(name: string): RegExp {
  const parts = name.split(/%[sdifjoOp#]|\$[A-Za-z_][\w.]*/);
  return new RegExp(`^${parts.map((p) => p.replace(/%%/g, '%').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

function statusOf(vitestStatus: string): TestResult['status'] {
  if (vitestStatus === 'passed') return 'passed';
  if (vitestStatus === 'failed') return 'failed';
  return 'skipped'; // pending, skipped, todo
}

/** The repository-relative path of a result file: the traced file it ends with, else what follows the last tests/, shared/, gateway/ or portal/. */
function relativeFile(absolute: string): string {
  const path = absolute.replaceAll('\\', '/');
  const m = /(?:^|\/)((?:tests|shared|gateway|portal|workers)\/.*)$/.exec(path);
  return m ? m[1]! : path;
}

/**
 * Each requirement with its tests and their results, and each clause with its requirements.
 * A requirement passes only when every one of its tests ran and passed; a failed test fails it and
 * its clauses; a test in the trace that did not run (or was skipped) leaves it 'not_run'. A tagged
 * test missing from the committed trace still counts (the trace check in CI asks for `npm run trace`).
 * With no run (`--skip-tests`: null) every requirement is 'not_run'. A clause no requirement names is a 'gap'.
 */
export function traceResults(vitestJson: VitestJson | null, catalogue: Catalogue): { requirements: RequirementResult[]; clauses: ClauseSummary[] } {
  const results = (vitestJson?.testResults ?? []).flatMap((f) => {
    const file = relativeFile(f.name);
    return f.assertionResults.map((a) => ({ file, title: a.title, status: statusOf(a.status) }));
  });

  const requirements: RequirementResult[] = catalogue.requirements.map((req) => {
    const tests: TestResult[] = [];
    const seen = new Set<(typeof results)[number]>();
    for (const traced of catalogue.trace[req.id] ?? []) {
      const pattern = namePattern(traced.name);
      const matches = results.filter((r) => r.file === traced.file && pattern.test(r.title));
      for (const r of matches) seen.add(r);
      if (matches.length === 0) tests.push({ file: traced.file, name: traced.name, tier: tierOf(traced.file), status: 'not_run' });
      else for (const r of matches) tests.push({ file: r.file, name: r.title, tier: tierOf(r.file), status: r.status });
    }
    for (const r of results) {
      if (!seen.has(r) && tagsOf(r.title).includes(req.id)) tests.push({ file: r.file, name: r.title, tier: tierOf(r.file), status: r.status });
    }
    const status: RequirementResult['status'] = tests.some((t) => t.status === 'failed')
      ? 'fail'
      : tests.length > 0 && tests.every((t) => t.status === 'passed')
        ? 'pass'
        : 'not_run';
    return { id: req.id, text: req.text, clauses: req.clauses, tests, status };
  });

  const clauses: ClauseSummary[] = catalogue.clauses.map((clause) => {
    const covering = requirements.filter((r) => r.clauses.includes(clause.id));
    if (covering.length === 0) {
      return { id: clause.id, title: clause.title, requirements: [], status: 'gap', gapReason: clause.gap ?? 'No requirement of Lotbridge covers this clause.' };
    }
    const status: ClauseSummary['status'] = covering.some((r) => r.status === 'fail')
      ? 'fail'
      : covering.every((r) => r.status === 'pass')
        ? 'pass'
        : 'not_run';
    return { id: clause.id, title: clause.title, requirements: covering.map((r) => r.id), status };
  });

  return { requirements, clauses };
}
