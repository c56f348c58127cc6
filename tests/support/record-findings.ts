// The record hash re-verification (lotbridge audit verify, validate PQ) over the whole database,
// narrowed to one type of record: how many were recomputed and what was found on them.
import type { Tx } from '../../shared/db/index.ts';
import { verifyRecordHashes, type HashedRecordType, type RecordFinding } from '../../shared/signatures/verify-record-hashes.ts';

export async function recordFindings(db: Tx, type: HashedRecordType): Promise<{ checked: number; found: RecordFinding[] }> {
  const found: RecordFinding[] = [];
  const verdict = await verifyRecordHashes(db, { onFinding: (f) => found.push(f) });
  return { checked: verdict.checked[type], found: found.filter((f) => f.type === type) };
}
