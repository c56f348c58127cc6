// What QA's signature on a validation report binds to, apart from the use case so that the record
// hash re-verification (shared/signatures/verify-record-hashes.ts) recomputes it without the
// upload and package checks approve-validation-report.ts brings along.
import { recordHash } from '../signatures/record-hash.ts';

/** What the signature binds to (21 CFR 11.70): both files by their SHA-256, the verdict, what QA states. */
export function validationReportHash(r: { organisationId: string; jsonSha256: string; pdfSha256: string; passed: boolean; commit: string | null; generatedAt: string; deviation: string | null }): string {
  return recordHash({ type: 'validation_report', ...r });
}
