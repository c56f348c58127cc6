// The validation package as the portal receives it (issue 19): report.json read and checked
// against the shape of report.ts, and the SHA-256 of both files against the checksums
// `lotbridge validate` wrote beside them. Refusals are field problems (`validationPortal.*`).
import { createHash } from 'node:crypto';
import { problem, refusal, type Problem, type Problems } from '../errors.ts';
import type { ValidationReport } from './report.ts';

/** What the list shows of a report without opening it. */
export interface ReportSummary {
  checks: { total: number; failed: number };
  /** Ids of the checks that failed (e.g. 'iq.triggers'). */
  failedChecks: string[];
  requirements: { total: number; passed: number; failed: number; notRun: number };
  clauses: { total: number; passed: number; failed: number; gaps: number };
  deviations: number;
}

/** A report that passed every check: its verdict, commit and date, and its summary. */
export interface CheckedReport {
  report: ValidationReport;
  summary: ReportSummary;
  jsonSha256: string;
  pdfSha256: string;
}

export const reportFormat = 'lotbridge-validation/1';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The first place where `value` is not a ValidationReport, as a JSON pointer-like path and what
 * was expected there; null when it is one. Checks every field report.ts names and that the
 * verdict `passed` agrees with the checks and requirements (a report claiming to pass with a
 * failed check is not what `lotbridge validate` writes).
 */
export function reportShapeProblem(value: unknown): { at: string; expected: string } | null {
  const bad = (at: string, expected: string) => ({ at, expected });
  if (!isObject(value)) return bad('/', 'object');
  if (value.format !== reportFormat) return bad('/format', reportFormat);
  if (typeof value.generatedAt !== 'string' || !isoInstant.test(value.generatedAt) || Number.isNaN(Date.parse(value.generatedAt))) return bad('/generatedAt', 'ISO 8601 instant');
  if (value.commit !== null && (typeof value.commit !== 'string' || !/^[0-9a-f]{7,64}$/.test(value.commit))) return bad('/commit', 'git commit or null');
  if (!isObject(value.environment) || !Object.values(value.environment).every((v) => typeof v === 'string')) return bad('/environment', 'object of strings');
  if (typeof value.passed !== 'boolean') return bad('/passed', 'boolean');
  const lists = ['checks', 'requirements', 'clauses', 'deviations'] as const;
  for (const name of lists) if (!Array.isArray(value[name])) return bad(`/${name}`, 'array');
  const findingProblem = (f: unknown, at: string) =>
    !isObject(f) || typeof f.code !== 'string' || !f.code || !isObject(f.params) || !Object.values(f.params).every((p) => typeof p === 'string' || typeof p === 'number')
      ? bad(at, 'finding { code, params }')
      : null;
  for (const [i, c] of (value.checks as unknown[]).entries()) {
    const at = `/checks/${i}`;
    if (!isObject(c) || typeof c.id !== 'string' || !c.id) return bad(`${at}/id`, 'string');
    if (!['IQ', 'OQ', 'PQ'].includes(c.part as string)) return bad(`${at}/part`, 'IQ, OQ or PQ');
    if (!['pass', 'fail', 'skipped'].includes(c.status as string)) return bad(`${at}/status`, 'pass, fail or skipped');
    if (!isObject(c.facts) || !Object.values(c.facts).every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return bad(`${at}/facts`, 'object of values');
    if (!Array.isArray(c.findings)) return bad(`${at}/findings`, 'array');
    for (const [j, f] of c.findings.entries()) {
      const p = findingProblem(f, `${at}/findings/${j}`);
      if (p) return p;
    }
  }
  for (const [i, r] of (value.requirements as unknown[]).entries()) {
    const at = `/requirements/${i}`;
    if (!isObject(r) || typeof r.id !== 'string' || !r.id) return bad(`${at}/id`, 'string');
    if (typeof r.text !== 'string') return bad(`${at}/text`, 'string');
    if (!Array.isArray(r.clauses) || !r.clauses.every((x) => typeof x === 'string')) return bad(`${at}/clauses`, 'array of strings');
    if (!Array.isArray(r.tests)) return bad(`${at}/tests`, 'array');
    for (const [j, t] of r.tests.entries()) {
      if (!isObject(t) || typeof t.file !== 'string' || typeof t.name !== 'string') return bad(`${at}/tests/${j}`, 'test { file, name, tier, status }');
      if (!['unit', 'integration', 'workers', 'e2e'].includes(t.tier as string)) return bad(`${at}/tests/${j}/tier`, 'unit, integration, workers or e2e');
      if (!['passed', 'failed', 'skipped', 'not_run'].includes(t.status as string)) return bad(`${at}/tests/${j}/status`, 'passed, failed, skipped or not_run');
    }
    if (!['pass', 'fail', 'not_run'].includes(r.status as string)) return bad(`${at}/status`, 'pass, fail or not_run');
  }
  for (const [i, c] of (value.clauses as unknown[]).entries()) {
    const at = `/clauses/${i}`;
    if (!isObject(c) || typeof c.id !== 'string' || !c.id) return bad(`${at}/id`, 'string');
    if (typeof c.title !== 'string') return bad(`${at}/title`, 'string');
    if (!Array.isArray(c.requirements) || !c.requirements.every((x) => typeof x === 'string')) return bad(`${at}/requirements`, 'array of strings');
    if (!['pass', 'fail', 'not_run', 'gap'].includes(c.status as string)) return bad(`${at}/status`, 'pass, fail, not_run or gap');
    if (c.gapReason !== undefined && typeof c.gapReason !== 'string') return bad(`${at}/gapReason`, 'string');
  }
  for (const [i, f] of (value.deviations as unknown[]).entries()) {
    const p = findingProblem(f, `/deviations/${i}`);
    if (p) return p;
  }
  const report = value as unknown as ValidationReport;
  const anyFailed = report.checks.some((c) => c.status === 'fail') || report.requirements.some((r) => r.status === 'fail');
  if (report.passed && anyFailed) return bad('/passed', 'false (a check or requirement failed)');
  return null;
}

export function summarise(report: ValidationReport): ReportSummary {
  const count = <T>(list: T[], is: (x: T) => boolean) => list.filter(is).length;
  return {
    checks: { total: report.checks.length, failed: count(report.checks, (c) => c.status === 'fail') },
    failedChecks: report.checks.filter((c) => c.status === 'fail').map((c) => c.id),
    requirements: {
      total: report.requirements.length,
      passed: count(report.requirements, (r) => r.status === 'pass'),
      failed: count(report.requirements, (r) => r.status === 'fail'),
      notRun: count(report.requirements, (r) => r.status === 'not_run'),
    },
    clauses: {
      total: report.clauses.length,
      passed: count(report.clauses, (c) => c.status === 'pass'),
      failed: count(report.clauses, (c) => c.status === 'fail'),
      gaps: count(report.clauses, (c) => c.status === 'gap'),
    },
    deviations: report.deviations.length,
  };
}

/**
 * The checksums file (`sha256sum` format: `<64 hex>  <name>` per line, `*` before a binary
 * name allowed) as name → hash; names reduced to their last path segment.
 */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2]!.trim().replace(/^.*[\\/]/, ''), m[1]!.toLowerCase());
  }
  return sums;
}

export interface PackageUpload {
  json: { name: string; bytes: Uint8Array } | null;
  pdf: { name: string; bytes: Uint8Array } | null;
  checksums: { name: string; bytes: Uint8Array } | null;
}

const present = (f: { name: string; bytes: Uint8Array } | null): f is { name: string; bytes: Uint8Array } => !!f && f.bytes.length > 0;

/**
 * Checks the three files of a validation package: report.json is a ValidationReport
 * (`validationPortal.jsonMalformed` with where and what was expected), and each file's SHA-256
 * is the one the checksums file gives for it (by its name, else the one entry with its
 * extension). Every problem at once, by field (`json`, `pdf`, `checksums`). The PDF itself is
 * checked by storeUpload (a real PDF).
 */
export function checkPackage(upload: PackageUpload): CheckedReport {
  const fields: Problems = {};
  if (!present(upload.json)) fields.json = problem('validationPortal.jsonMissing');
  if (!present(upload.pdf)) fields.pdf = problem('validationPortal.pdfMissing');
  if (!present(upload.checksums)) fields.checksums = problem('validationPortal.checksumsMissing');

  let report: ValidationReport | null = null;
  if (present(upload.json)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(upload.json.bytes));
    } catch {
      fields.json = problem('validationPortal.jsonUnreadable');
    }
    if (!fields.json) {
      const shape = reportShapeProblem(parsed);
      if (shape) fields.json = problem('validationPortal.jsonMalformed', shape);
      else report = parsed as ValidationReport;
    }
  }

  const jsonSha256 = present(upload.json) ? sha256(upload.json.bytes) : '';
  const pdfSha256 = present(upload.pdf) ? sha256(upload.pdf.bytes) : '';
  if (present(upload.checksums)) {
    const sums = parseChecksums(new TextDecoder().decode(upload.checksums.bytes));
    if (sums.size === 0) fields.checksums = problem('validationPortal.checksumsUnreadable');
    else {
      const expected = (file: { name: string }, ext: string): string | undefined => {
        const byName = sums.get(file.name.replace(/^.*[\\/]/, ''));
        if (byName) return byName;
        const withExt = [...sums].filter(([name]) => name.toLowerCase().endsWith(ext));
        return withExt.length === 1 ? withExt[0]![1] : undefined;
      };
      const compare = (field: 'json' | 'pdf', file: { name: string; bytes: Uint8Array } | null, actual: string, ext: string) => {
        if (!present(file) || fields[field]) return;
        const want = expected(file, ext);
        const p: Problem | null = !want
          ? problem('validationPortal.checksumMissing', { name: file.name })
          : want !== actual
            ? problem('validationPortal.checksumMismatch', { name: file.name, expected: want.slice(0, 16), actual: actual.slice(0, 16) })
            : null;
        if (p) fields[field] = p;
      };
      compare('json', upload.json, jsonSha256, '.json');
      compare('pdf', upload.pdf, pdfSha256, '.pdf');
    }
  }
  if (Object.keys(fields).length || !report) throw refusal('invalid_input', 'the validation package cannot be accepted as uploaded', fields);
  return { report, summary: summarise(report), jsonSha256, pdfSha256 };
}
