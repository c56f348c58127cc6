// The approved supplier list: one entry per supplier and scope (an item's GTIN-14 or an item
// category, the ERP's device class), its status and the certificates it requires. Shared by the
// use cases of this folder, lot submission (submit-lots.ts) and the ERP's purchase orders.
import type { Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';
import { problem, term, type Problem } from '../errors.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { CertificateType } from '../certificates/kinds.ts';
import { perLotTypes, type ApprovalStatus } from './kinds.ts';

export { approvalStatuses, isApprovalStatus, perLotTypes, type ApprovalStatus } from './kinds.ts';

/** Manufacturer QA creates and changes entries (signed); suppliers read their own; staff read all. */
export const decideApprovals = permission('manufacturer_qa');
export const readApprovals = permission('manufacturer_qa', 'manufacturer_admin', 'supplier_user');

export interface SupplierApproval {
  id: string;
  supplier: { organisationId: string; name: string };
  itemGtin: string | null;
  itemCategory: string | null;
  itemDescription: string | null;
  status: ApprovalStatus;
  requiredCertificates: CertificateType[];
  reason: string;
  /** Lotbridge's own reason (an automatic downgrade), worded by the page. */
  reasonProblem: Problem | null;
  decidedBy: string | null;
  decidedAt: string;
  signatureId: string | null;
}

export interface ApprovalRow {
  id: string;
  supplier_id: string;
  supplier_name: string;
  item_gtin: string | null;
  item_category: string | null;
  item_description: string | null;
  status: ApprovalStatus;
  required_certificates: string;
  reason: string;
  reason_code: string | null;
  reason_params: string | null;
  decided_by_name: string | null;
  decided_at: string;
  signature_id: string | null;
}

/** The columns of an ApprovalRow, and the FROM they are read from (`a` the entry); approvalSelect is both. */
export const approvalColumns = `a.id, a.supplier_id, o.name AS supplier_name, a.item_gtin, a.item_category, i.description AS item_description, a.status,
  a.required_certificates, a.reason, a.reason_code, a.reason_params, u.display_name AS decided_by_name, a.decided_at, a.signature_id`;
export const approvalFrom = 'FROM supplier_approvals a JOIN organisations o ON o.id = a.supplier_id LEFT JOIN items i ON i.gtin = a.item_gtin LEFT JOIN users u ON u.id = a.decided_by';
export const approvalSelect = `SELECT ${approvalColumns}
  ${approvalFrom}`;

export function toApproval(r: ApprovalRow): SupplierApproval {
  return {
    id: r.id,
    supplier: { organisationId: r.supplier_id, name: r.supplier_name },
    itemGtin: r.item_gtin,
    itemCategory: r.item_category,
    itemDescription: r.item_description,
    status: r.status,
    requiredCertificates: JSON.parse(r.required_certificates) as CertificateType[],
    reason: r.reason,
    reasonProblem: r.reason_code ? ({ code: r.reason_code, params: JSON.parse(r.reason_params ?? '{}') } as Problem) : null,
    decidedBy: r.decided_by_name,
    decidedAt: r.decided_at,
    signatureId: r.signature_id,
  };
}

/** Where a supplier sees only its own entries: the condition on `supplier_approvals a`. */
export function approvalScope(actor: Actor): { sql: string; args: string[] } {
  return actor.organisationKind === 'manufacturer' ? { sql: '1 = 1', args: [] } : { sql: 'a.supplier_id = ?', args: [actor.organisationId] };
}

/** The entry that governs a supplier's item: the item's own, else its category's (the item's device class); undefined when none. */
export async function approvalFor(db: Tx, supplierId: string, gtin: string): Promise<SupplierApproval | undefined> {
  const row = await db.get<ApprovalRow>(
    `${approvalSelect} WHERE a.supplier_id = ? AND (a.item_gtin = ? OR a.item_category = (SELECT device_class FROM items WHERE gtin = ?))
      ORDER BY a.item_gtin IS NULL LIMIT 1`,
    [supplierId, gtin, gtin],
  );
  return row && toApproval(row);
}

export const statusTerm = (status: ApprovalStatus) => term(`asl.status.${status}` as MessageKey);
export const typeTerm = (type: string) => term(`certificates.type.${type}` as MessageKey);

/**
 * Why a lot of this supplier and item is flagged by the approved supplier list, or null: the
 * entry is not approved, or a certificate it requires is absent, unapproved or expired (per lot:
 * the CoC / CoA the lot names; otherwise: the supplier's approved certificate of that type,
 * valid on `today`). No entry: null (lots are not flagged where QA has not decided anything).
 */
export async function lotApprovalProblem(
  db: Tx,
  approval: SupplierApproval,
  lot: { supplierId: string; certificateSeriesId: string | null },
  today: string,
): Promise<Problem | null> {
  if (approval.status !== 'approved') return problem('asl.notApproved', { status: statusTerm(approval.status) });
  for (const type of approval.requiredCertificates) {
    if (perLotTypes.includes(type)) {
      if (!lot.certificateSeriesId) return problem('asl.certificateMissing', { type: typeTerm(type) });
      const versions = await db.all<{ type: string; state: string; valid_to: string }>(
        "SELECT type, state, valid_to FROM certificates WHERE series_id = ? AND organisation_id = ? AND state IN ('approved', 'submitted', 'superseded') ORDER BY version DESC",
        [lot.certificateSeriesId, lot.supplierId],
      );
      if (!versions.some((v) => v.type === type)) return problem('asl.certificateMissing', { type: typeTerm(type) });
      const approved = versions.find((v) => v.type === type && v.state === 'approved');
      if (!approved) return problem('asl.certificateUnapproved', { type: typeTerm(type) });
      if (approved.valid_to < today) return problem('asl.certificateExpired', { type: typeTerm(type), date: approved.valid_to });
    } else {
      const held = await db.get<{ valid_to: string | null }>("SELECT max(valid_to) AS valid_to FROM certificates WHERE organisation_id = ? AND type = ? AND state = 'approved'", [
        lot.supplierId,
        type,
      ]);
      if (!held?.valid_to) return problem('asl.certificateMissing', { type: typeTerm(type) });
      if (held.valid_to < today) return problem('asl.certificateExpired', { type: typeTerm(type), date: held.valid_to });
    }
  }
  return null;
}
