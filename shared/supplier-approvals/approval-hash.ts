// What QA's signature on an approved supplier list decision binds to, apart from the use case so
// that the record hash re-verification (shared/signatures/verify-record-hashes.ts) recomputes it
// without the use case's checks and writes.
import { recordHash } from '../signatures/record-hash.ts';
import type { CertificateType } from '../certificates/kinds.ts';
import type { ApprovalStatus } from './approval.ts';

/** QA's decision on an entry: the entry (its id, supplier and scope), the status, the certificates required and the reason. */
export interface ApprovalDecision {
  approvalId: string;
  supplierId: string;
  itemGtin: string | null;
  itemCategory: string | null;
  status: ApprovalStatus;
  requiredCertificates: CertificateType[];
  reason: string;
}

export function approvalDecisionHash(d: ApprovalDecision): string {
  return recordHash({
    approvalId: d.approvalId,
    supplierId: d.supplierId,
    itemGtin: d.itemGtin,
    itemCategory: d.itemCategory,
    status: d.status,
    requiredCertificates: d.requiredCertificates,
    reason: d.reason,
  });
}
