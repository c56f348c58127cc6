import type { Db } from '../db/index.ts';
import { verifyRecordHashes } from '../signatures/verify-record-hashes.ts';
import { checkResult, finding } from './check.ts';
import type { Finding, ValidationCheck } from './report.ts';

/**
 * PQ `pq.signed_records`: every signed record's hash recomputed from its content and compared
 * with its signature and its audit entry (21 CFR 11.10(c), 11.70); each mismatch a finding
 * naming the record.
 */
export async function checkSignedRecords(db: Db): Promise<ValidationCheck> {
  const findings: Finding[] = [];
  const verdict = await verifyRecordHashes(db, { onFinding: (f) => findings.push(finding('record_altered', { type: f.type, id: f.id, problem: f.problem })) });
  const facts: ValidationCheck['facts'] = {};
  for (const [type, n] of Object.entries(verdict.checked)) facts[`checked.${type}`] = n;
  for (const [type, n] of Object.entries(verdict.unhashed)) if (n > 0) facts[`unhashed.${type}`] = n;
  return checkResult('pq.signed_records', 'PQ', facts, findings);
}
