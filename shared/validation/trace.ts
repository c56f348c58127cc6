// The trace from requirements to tests (issue 19): maps a Vitest JSON run (test-results/vitest.json,
// written by `npm test`) to each requirement's tests and results and to a summary per regulation clause.
// Runtime-neutral: it reads nothing itself; the caller passes the parsed JSON.
import type { ClauseSummary, RequirementResult } from './report.ts';

/** One regulation clause; `gap` says why no requirement of Lotbridge covers it. */
export interface Clause {
  id: string; // e.g. '21CFR11.10(e)'
  title: string;
  gap?: string;
}

export interface Requirement {
  id: string; // e.g. 'REQ-P11-AUDIT-01'
  text: string;
  clauses: string[];
}

export interface TracedTest {
  /** Relative to the repository root, with forward slashes, e.g. 'tests/integration/audit-trail.test.ts'. */
  file: string;
  /** The test's own name as written in it()/test(), tags included. */
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

export function traceResults(vitestJson: VitestJson | null, catalogue: Catalogue): { requirements: RequirementResult[]; clauses: ClauseSummary[] } {
  void vitestJson;
  void catalogue;
  throw new Error('not yet');
}
