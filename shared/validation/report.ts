// The validation package (issue 19): what `lotbridge validate` writes as JSON (and renders as PDF),
// what the nightly self-check produces (IQ and PQ only), and what the portal accepts for signing.
// Findings are data ({ code, params }): the CLI, the PDF and the portal word them.

export type ValidationPart = 'IQ' | 'OQ' | 'PQ';
export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface Finding {
  /** A catalogue key's code, e.g. 'validation.trigger_missing'. */
  code: string;
  params: Record<string, string | number>;
}

/** One check of the installation (IQ) or of the running data (PQ). */
export interface ValidationCheck {
  id: string; // stable, e.g. 'iq.migrations', 'iq.triggers', 'pq.audit_chain', 'pq.signed_records', 'pq.recall_drill'
  part: ValidationPart;
  status: CheckStatus;
  /** What was measured, for the report (counts, versions, fingerprints). */
  facts: Record<string, string | number | boolean>;
  /** Empty when the check passes. */
  findings: Finding[];
}

/** One requirement of the catalogue with the tests that prove it and their results (OQ). */
export interface RequirementResult {
  id: string; // e.g. 'REQ-P11-AUDIT-01'
  text: string;
  clauses: string[]; // clause ids, e.g. '21CFR11.10(e)'
  tests: { file: string; name: string; tier: 'unit' | 'integration' | 'workers' | 'e2e'; status: 'passed' | 'failed' | 'skipped' | 'not_run' }[];
  status: 'pass' | 'fail' | 'not_run';
}

export interface ClauseSummary {
  id: string;
  title: string;
  requirements: string[];
  /** 'gap': no requirement covers it (with the reason, e.g. the customer's own procedure). */
  status: 'pass' | 'fail' | 'not_run' | 'gap';
  gapReason?: string;
}

export interface ValidationReport {
  format: 'lotbridge-validation/1';
  generatedAt: string; // ISO 8601
  commit: string | null;
  environment: Record<string, string>;
  /** true when every check and every run requirement passed. */
  passed: boolean;
  checks: ValidationCheck[];
  requirements: RequirementResult[];
  clauses: ClauseSummary[];
  deviations: Finding[];
}
