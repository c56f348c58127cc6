// What a lot record is, how it is read from the database, what its record hash covers and
// what the ERP is told about it. Used by the lot use cases.
import type { Actor } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import { recordHash } from '../signatures/record-hash.ts';
import type { Problem } from '../errors.ts';

export const lotSources = ['form', 'csv', 'barcode', 'edifact', 'api'] as const;
export type LotSource = (typeof lotSources)[number];
/**
 * Where a lot stands: submitted, then QA's inspection releases it (with a deviation or not) or
 * rejects it. lots.state keeps the submission; the outcome comes from lot_inspections (0050).
 */
export const lotStates = ['submitted', 'released', 'released_with_deviation', 'rejected'] as const;
export type LotState = (typeof lotStates)[number];
/** QA's outcome of the inspection (lot_inspections.outcome). */
export const inspectionOutcomes = ['accepted', 'accepted_with_deviation', 'rejected'] as const;
export type InspectionOutcome = (typeof inspectionOutcomes)[number];
/** The lot's state that each outcome gives it. */
export const stateOfOutcome: Record<InspectionOutcome, LotState> = { accepted: 'released', accepted_with_deviation: 'released_with_deviation', rejected: 'rejected' };

/** The columns of the CSV template, in order (see parse-lots-csv.ts). */
export const lotCsvColumns = ['gtin', 'lot', 'serials', 'manufacture_date', 'expiry_date', 'quantity', 'po_number', 'po_line', 'certificate'] as const;
export type LotCsvColumn = (typeof lotCsvColumns)[number];

/**
 * One problem of one row, as data: `row` is the CSV line number (the header is line 1), the
 * form row (1) or the DESADV line (1-based); `column` the field (CSV column name), or null for
 * the whole row. A refusal of submitLots carries them as AppError.problems under `rows/<row>/<column>`.
 */
export interface RowProblem extends Problem {
  row: number;
  column: string | null;
}

export interface Lot {
  id: string;
  supplier: { organisationId: string; name: string; erpId: string | null };
  purchaseOrder: { id: string; poNumber: string; lineNumber: number } | null;
  gtin: string;
  itemDescription: string | null;
  lot: string;
  serials: string[];
  manufactureDate: string | null;
  expiryDate: string | null;
  quantity: number;
  certificate: { seriesId: string; number: string; type: string } | null;
  certificateNote: string | null;
  source: LotSource;
  state: LotState;
  submittedBy: { id: string; name: string };
  submittedAt: string;
  recordHash: string;
}

export interface LotRow {
  id: string;
  organisation_id: string;
  purchase_order_id: string | null;
  po_line_number: number | null;
  gtin: string;
  lot: string;
  serials: string;
  manufacture_date: string | null;
  expiry_date: string | null;
  quantity: number;
  certificate_series_id: string | null;
  certificate_note: string | null;
  source: LotSource;
  state: 'submitted';
  /** QA's outcome, when the lot was inspected (lot_inspections). */
  inspection_outcome: InspectionOutcome | null;
  submitted_by: string;
  submitted_at: string;
  record_hash: string;
  supplier_name: string;
  supplier_erp_id: string | null;
  po_number: string | null;
  item_description: string | null;
  submitted_by_name: string;
  certificate_number: string | null;
  certificate_type: string | null;
}

/** A lot with its supplier, order, item, certificate and submitter; add WHERE/ORDER after it. */
export const lotSelect = `
  SELECT l.*, li.outcome AS inspection_outcome, o.name AS supplier_name, o.erp_id AS supplier_erp_id, po.po_number, i.description AS item_description,
         su.display_name AS submitted_by_name,
         (SELECT c.number FROM certificates c WHERE c.series_id = l.certificate_series_id ORDER BY c.version DESC LIMIT 1) AS certificate_number,
         (SELECT c.type FROM certificates c WHERE c.series_id = l.certificate_series_id ORDER BY c.version DESC LIMIT 1) AS certificate_type
    FROM lots l
    JOIN organisations o ON o.id = l.organisation_id
    JOIN users su ON su.id = l.submitted_by
    LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id
    LEFT JOIN items i ON i.gtin = l.gtin
    LEFT JOIN lot_inspections li ON li.lot_id = l.id`;

export function toLot(row: LotRow): Lot {
  return {
    id: row.id,
    supplier: { organisationId: row.organisation_id, name: row.supplier_name, erpId: row.supplier_erp_id },
    purchaseOrder: row.purchase_order_id && row.po_line_number !== null ? { id: row.purchase_order_id, poNumber: row.po_number ?? '', lineNumber: row.po_line_number } : null,
    gtin: row.gtin,
    itemDescription: row.item_description,
    lot: row.lot,
    serials: JSON.parse(row.serials) as string[],
    manufactureDate: row.manufacture_date,
    expiryDate: row.expiry_date,
    quantity: row.quantity,
    certificate: row.certificate_series_id ? { seriesId: row.certificate_series_id, number: row.certificate_number ?? '', type: row.certificate_type ?? '' } : null,
    certificateNote: row.certificate_note,
    source: row.source,
    state: row.inspection_outcome ? stateOfOutcome[row.inspection_outcome] : row.state,
    submittedBy: { id: row.submitted_by, name: row.submitted_by_name },
    submittedAt: row.submitted_at,
    recordHash: row.record_hash,
  };
}

/** The content of a lot record that its record hash covers: everything the supplier declared. */
export function lotContent(l: {
  id: string;
  organisationId: string;
  purchaseOrderId: string | null;
  lineNumber: number | null;
  gtin: string;
  lot: string;
  serials: string[];
  manufactureDate: string | null;
  expiryDate: string | null;
  quantity: number;
  certificateSeriesId: string | null;
  certificateNote: string | null;
  source: LotSource;
  submittedById: string;
  submittedAt: string;
}): Record<string, unknown> {
  return {
    kind: 'lotbridge/lot/v1',
    lot: l.id,
    supplier: l.organisationId,
    purchaseOrder: l.purchaseOrderId,
    line: l.lineNumber,
    gtin: l.gtin,
    lotNumber: l.lot,
    serials: l.serials,
    manufactureDate: l.manufactureDate,
    expiryDate: l.expiryDate,
    quantity: l.quantity,
    certificate: l.certificateSeriesId,
    certificateNote: l.certificateNote,
    source: l.source,
    submittedBy: l.submittedById,
    submittedAt: l.submittedAt,
  };
}

/** The record hash recomputed from the lot as it is stored now. */
export function lotRecordHash(lot: Lot): string {
  return recordHash(
    lotContent({
      ...lot,
      organisationId: lot.supplier.organisationId,
      purchaseOrderId: lot.purchaseOrder?.id ?? null,
      lineNumber: lot.purchaseOrder?.lineNumber ?? null,
      certificateSeriesId: lot.certificate?.seriesId ?? null,
      submittedById: lot.submittedBy.id,
    }),
  );
}

/**
 * Who may see a lot: the supplier that submitted it and the manufacturer's staff. A SQL
 * condition over `l.` plus its arguments; null when the actor may see none.
 */
export function lotScope(actor: Actor): { sql: string; args: string[] } | null {
  if (actor.role === 'manufacturer_qa' || actor.role === 'manufacturer_admin') return { sql: '1 = 1', args: [] };
  if (actor.role === 'supplier_user') return ownedBy(actor, 'l.organisation_id');
  return null;
}

/** The `data` of a lot.* event (before the outbox adds `aggregate`). */
export function lotEventData(l: Lot, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    lotId: l.id,
    state: l.state,
    supplier: { organisationId: l.supplier.organisationId, erpId: l.supplier.erpId, name: l.supplier.name },
    purchaseOrder: l.purchaseOrder ? { poNumber: l.purchaseOrder.poNumber, lineNumber: l.purchaseOrder.lineNumber } : null,
    gtin: l.gtin,
    lot: l.lot,
    serials: l.serials,
    manufactureDate: l.manufactureDate,
    expiryDate: l.expiryDate,
    quantity: l.quantity,
    certificate: l.certificate ? { seriesId: l.certificate.seriesId, number: l.certificate.number, type: l.certificate.type } : null,
    certificateNote: l.certificateNote,
    source: l.source,
    recordHash: l.recordHash,
    submittedAt: l.submittedAt,
    ...extra,
  };
}
