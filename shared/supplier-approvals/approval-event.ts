import type { SupplierApproval } from './approval.ts';

/** The data of a supplier_approval.changed event (schema: shared/events/schemas/supplier_approval.changed.schema.json). */
export function approvalEventData(a: SupplierApproval, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    approvalId: a.id,
    supplier: { organisationId: a.supplier.organisationId, name: a.supplier.name },
    scope: a.itemGtin ? { gtin: a.itemGtin } : { itemCategory: a.itemCategory },
    status: a.status,
    requiredCertificates: a.requiredCertificates,
    reason: a.reason,
    decidedAt: a.decidedAt,
    ...extra,
  };
}
