import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { ReportSummary } from './check-report.ts';
import { latestSelfCheck, type SelfCheckRun } from './self-check.ts';
import { approveValidationReports, requireValidationReader } from './validation-permissions.ts';

/** An approved validation report as the page lists it. */
export interface ValidationReportView {
  id: string;
  passed: boolean;
  commit: string | null;
  generatedAt: string;
  summary: ReportSummary;
  deviation: string | null;
  recordHash: string;
  files: { json: { name: string; sha256: string; sizeBytes: number }; pdf: { name: string; sha256: string; sizeBytes: number } };
  signature: { id: string; signerName: string; meaning: string; method: string; signedAt: string };
}

interface ReportRow {
  id: string;
  passed: number;
  commit_sha: string | null;
  generated_at: string;
  summary: string;
  deviation: string | null;
  record_hash: string;
  json_name: string;
  json_sha256: string;
  json_size: number;
  pdf_name: string;
  pdf_sha256: string;
  pdf_size: number;
  signature_id: string;
  signer_name: string;
  meaning: string;
  method: string;
  signed_at: string;
}

const reportSelect = `SELECT r.id, r.passed, r.commit_sha, r.generated_at, r.summary, r.deviation, r.record_hash,
       j.original_name AS json_name, j.sha256 AS json_sha256, j.size_bytes AS json_size,
       p.original_name AS pdf_name, p.sha256 AS pdf_sha256, p.size_bytes AS pdf_size,
       s.id AS signature_id, s.signer_name, s.meaning, s.method, s.signed_at
  FROM validation_reports r
  JOIN stored_files j ON j.id = r.json_file_id
  JOIN stored_files p ON p.id = r.pdf_file_id
  JOIN signatures s ON s.id = r.signature_id`;

function toView(r: ReportRow): ValidationReportView {
  return {
    id: r.id,
    passed: r.passed === 1,
    commit: r.commit_sha,
    generatedAt: r.generated_at,
    summary: JSON.parse(r.summary) as ReportSummary,
    deviation: r.deviation,
    recordHash: r.record_hash,
    files: { json: { name: r.json_name, sha256: r.json_sha256, sizeBytes: r.json_size }, pdf: { name: r.pdf_name, sha256: r.pdf_sha256, sizeBytes: r.pdf_size } },
    signature: { id: r.signature_id, signerName: r.signer_name, meaning: r.meaning, method: r.method, signedAt: r.signed_at },
  };
}

/** One report of the caller's organisation (undefined for another's). */
export async function getValidationReport(ctx: UseCaseContext, actor: Actor, id: string): Promise<ValidationReportView | undefined> {
  requireValidationReader(actor);
  const row = await ctx.db.get<ReportRow>(`${reportSelect} WHERE r.id = ? AND r.organisation_id = ?`, [id, actor.organisationId]);
  return row && toView(row);
}

/** How many reports the page lists (the newest first). */
export const reportsShown = 50;

/**
 * The validation page: the organisation's approved reports (newest first), the newest
 * self-check run, and what the caller may do (QA uploads and approves).
 */
export async function listValidationReports(
  ctx: UseCaseContext,
  actor: Actor,
): Promise<{ reports: ValidationReportView[]; selfCheck: SelfCheckRun | null; permissions: { approve: boolean } }> {
  requireValidationReader(actor);
  const rows = await ctx.db.all<ReportRow>(`${reportSelect} WHERE r.organisation_id = ? ORDER BY r.approved_at DESC, r.id DESC LIMIT ?`, [actor.organisationId, reportsShown]);
  return { reports: rows.map(toView), selfCheck: await latestSelfCheck(ctx.db), permissions: { approve: approveValidationReports.allows(actor) } };
}
