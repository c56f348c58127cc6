// What QA's signature on a lot inspection binds to, apart from the use case so that the record
// hash re-verification (shared/signatures/verify-record-hashes.ts) recomputes it without the
// upload checks inspect-lot.ts brings along.
import { recordHash } from '../signatures/record-hash.ts';
import type { InspectionOutcome, Lot } from './lot.ts';
import type { Measurement } from './inspect-lot.ts';

/** QA's decision as recorded: the deviation only with accepted_with_deviation, the reason only with rejected. */
export interface InspectionDecision {
  outcome: InspectionOutcome;
  sampleSize: number;
  defectsFound: number;
  measurements: Measurement[];
  deviation: string | null;
  reason: string | null;
}

/** An attached file as the signature binds it: its name and content checksum. */
export interface AttachedFile {
  name: string;
  sha256: string;
}

export function decisionValues(d: InspectionDecision) {
  return { outcome: d.outcome, sampleSize: d.sampleSize, defectsFound: d.defectsFound, measurements: d.measurements, deviation: d.deviation, reason: d.reason };
}

/**
 * What QA's signature binds to: the lot's record as submitted, the whole decision and the
 * attached files' names and checksums (left out when there are none, so a decision without
 * files hashes as before attachments existed).
 */
export function inspectionHash(lot: Pick<Lot, 'id' | 'recordHash'>, d: InspectionDecision, attachments: AttachedFile[] = []): string {
  return recordHash({ kind: 'lotbridge/lot-inspection/v1', lot: lot.id, lotRecordHash: lot.recordHash, ...decisionValues(d), ...(attachments.length ? { attachments } : {}) });
}
