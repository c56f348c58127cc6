// A validation package as `lotbridge validate --out DIR` writes it (report.json, report.pdf and
// their SHA-256 in report.sha256), for the portal's upload tests. The report follows
// shared/validation/report.ts; `failed` makes one IQ check and one requirement fail. And the
// results folder of a test run, for `lotbridge validate --test-results`.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue } from '../../shared/validation/catalogue.ts';
import type { TestRunProvenance } from '../../shared/validation/check-test-results.ts';
import type { ValidationReport } from '../../shared/validation/report.ts';
import { rootDir } from '../../gateway/node/paths.ts';
import { pdfBytes } from './uploads.ts';

export function validationReport(options: { failed?: boolean; generatedAt?: string; commit?: string } = {}): ValidationReport {
  const failed = options.failed ?? false;
  return {
    format: 'lotbridge-validation/1',
    generatedAt: options.generatedAt ?? '2026-03-01T22:15:00.000Z',
    commit: options.commit ?? '85a0a17c0ffee85a0a17c0ffee85a0a17c0ffee0',
    environment: { node: 'v22.12.0', database: 'file:data/lotbridge.db' },
    passed: !failed,
    checks: [
      { id: 'iq.triggers', part: 'IQ', status: failed ? 'fail' : 'pass', facts: { expected: 80, present: failed ? 79 : 80 }, findings: failed ? [{ code: 'validation.trigger_missing', params: { trigger: 'signatures_no_update' } }] : [] },
      { id: 'iq.migrations', part: 'IQ', status: 'pass', facts: { applied: 50 }, findings: [] },
      { id: 'pq.audit_chain', part: 'PQ', status: 'pass', facts: { entries: 1200 }, findings: [] },
    ],
    requirements: [
      { id: 'REQ-P11-AUDIT-01', text: 'Every change is audited.', clauses: ['21CFR11.10(e)'], tests: [{ file: 'tests/integration/audit-trail.test.ts', name: 'audits [REQ-P11-AUDIT-01]', tier: 'integration', status: 'passed' }], status: 'pass' },
      { id: 'REQ-P11-SIGN-01', text: 'Signatures name their meaning.', clauses: ['21CFR11.50'], tests: [{ file: 'tests/integration/certificates.test.ts', name: 'signs [REQ-P11-SIGN-01]', tier: 'integration', status: failed ? 'failed' : 'passed' }], status: failed ? 'fail' : 'pass' },
      { id: 'REQ-RECALL-01', text: 'Recalls reach every consignee.', clauses: ['21CFR7.49'], tests: [], status: 'not_run' },
    ],
    clauses: [
      { id: '21CFR11.10(e)', title: 'Audit trails', requirements: ['REQ-P11-AUDIT-01'], status: 'pass' },
      { id: '21CFR11.50', title: 'Signature manifestations', requirements: ['REQ-P11-SIGN-01'], status: failed ? 'fail' : 'pass' },
      { id: '21CFR11.10(i)', title: 'Training', requirements: [], status: 'gap', gapReason: "the customer's own procedure" },
    ],
    deviations: [],
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface ValidationPackage {
  json: { name: string; bytes: Uint8Array };
  pdf: { name: string; bytes: Uint8Array };
  checksums: { name: string; bytes: Uint8Array };
}

/** The three files of a package: report.json (the report, or `jsonText` as given), report.pdf and report.sha256 of both. */
export async function validationPackage(report: ValidationReport | { jsonText: string }, title = 'Lotbridge validation report'): Promise<ValidationPackage> {
  const json = new TextEncoder().encode('jsonText' in report ? report.jsonText : JSON.stringify(report, null, 2));
  const pdf = await pdfBytes(title);
  const sums = `${sha256(json)}  report.json\n${sha256(pdf)}  report.pdf\n`;
  return { json: { name: 'report.json', bytes: json }, pdf: { name: 'report.pdf', bytes: pdf }, checksums: { name: 'report.sha256', bytes: new TextEncoder().encode(sums) } };
}

/**
 * A test run's results folder as `npm test` (tests/run.js) writes it: vitest.json in Vitest's JSON
 * format with one passed result for every test the committed trace lists (an it.each name with
 * its placeholders filled in), and run.json naming the commit tested, the exit code and the
 * SHA-256 of vitest.json. `files` keeps only the results of the test files it accepts (a partial
 * run); `failing` fails the results of the tests whose names contain it.
 */
export function writeTestRun(
  dir: string,
  run: { commit: string | null; commitSource?: TestRunProvenance['commitSource']; modifiedFiles?: number | null; exitCode?: number; args?: string[]; files?: (file: string) => boolean; failing?: string },
): string {
  const byFile = new Map<string, { title: string; status: string }[]>();
  for (const tests of Object.values(catalogue.trace)) {
    for (const t of tests) {
      if (run.files && !run.files(t.file)) continue;
      const title = t.name.replace(/%[sdifjoOp#]|\$[A-Za-z_][\w.]*/g, 'x');
      const status = run.failing && t.name.includes(run.failing) ? 'failed' : 'passed';
      const list = byFile.get(t.file) ?? [];
      if (!list.some((a) => a.title === title)) list.push({ title, status });
      byFile.set(t.file, list);
    }
  }
  const results = { testResults: [...byFile].map(([file, assertionResults]) => ({ name: join(rootDir, file), assertionResults })) };
  const bytes = new TextEncoder().encode(JSON.stringify(results));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'vitest.json'), bytes);
  const provenance: TestRunProvenance = {
    format: 'lotbridge-test-run/1',
    commit: run.commit,
    commitSource: run.commitSource ?? 'git',
    modifiedFiles: run.modifiedFiles === undefined ? 0 : run.modifiedFiles,
    startedAt: '2026-03-01T21:40:00.000Z',
    finishedAt: '2026-03-01T22:01:00.000Z',
    node: process.version,
    args: run.args ?? [],
    exitCode: run.exitCode ?? (run.failing ? 1 : 0),
    resultsSha256: sha256(bytes),
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(provenance, null, 2));
  return join(dir, 'vitest.json');
}
