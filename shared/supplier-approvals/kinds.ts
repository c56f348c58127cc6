// The approved supplier list's statuses and per-lot certificate types: plain constants without any
// server import, so the portal's pages can use them in the browser too.
import type { CertificateType } from '../certificates/kinds.ts';

export const approvalStatuses = ['approved', 'conditional', 'disqualified', 'pending'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

export function isApprovalStatus(value: unknown): value is ApprovalStatus {
  return (approvalStatuses as readonly unknown[]).includes(value);
}

/** Certificate types a lot carries (each lot names an approved one); any other type the supplier holds, valid. */
export const perLotTypes: readonly CertificateType[] = ['coc', 'coa'];
