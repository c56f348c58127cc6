// What a supplier certificate version is, how it is read from the database, what of it is
// signed (its record hash) and what the ERP is told about it. Used by the certificate use cases.
import { recordHash } from '../signatures/record-hash.ts';
import type { Actor } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import type { CertificateType, CertificateState } from './kinds.ts';

export { certificateTypes, certificateStates, isCertificateType, isCertificateState } from './kinds.ts';
export type { CertificateType, CertificateState } from './kinds.ts';

/** The products (GTIN-14) and lots a certificate covers; both may be empty (e.g. a whole QMS). */
export interface CertificateCovers {
  gtins: string[];
  lots: string[];
}

export interface Certificate {
  id: string;
  seriesId: string;
  version: number;
  supplier: { organisationId: string; name: string; erpId: string | null };
  type: CertificateType;
  number: string;
  issuer: string;
  scope: string;
  covers: CertificateCovers;
  validFrom: string;
  validTo: string;
  file: { id: string; name: string; sha256: string; sizeBytes: number; storageKey: string };
  recordHash: string;
  state: CertificateState;
  stateReason: string | null;
  submittedBy: { id: string; name: string };
  submittedAt: string;
  decidedAt: string | null;
  decidedBy: { id: string; name: string } | null;
}

export interface CertificateRow {
  id: string;
  series_id: string;
  version: number;
  organisation_id: string;
  type: CertificateType;
  number: string;
  issuer: string;
  scope: string;
  covers: string;
  valid_from: string;
  valid_to: string;
  file_id: string;
  record_hash: string;
  state: CertificateState;
  state_reason: string | null;
  submitted_by: string;
  submitted_at: string;
  decided_at: string | null;
  decided_by: string | null;
  file_sha256: string;
  file_name: string;
  file_size: number;
  file_storage_key: string;
  supplier_name: string;
  supplier_erp_id: string | null;
  submitted_by_name: string;
  decided_by_name: string | null;
}

/** A certificate version with its file, supplier and people; add WHERE/ORDER after it. */
export const certificateSelect = `
  SELECT c.*, f.sha256 AS file_sha256, f.original_name AS file_name, f.size_bytes AS file_size, f.storage_key AS file_storage_key,
         o.name AS supplier_name, o.erp_id AS supplier_erp_id, su.display_name AS submitted_by_name, du.display_name AS decided_by_name
    FROM certificates c
    JOIN stored_files f ON f.id = c.file_id
    JOIN organisations o ON o.id = c.organisation_id
    JOIN users su ON su.id = c.submitted_by
    LEFT JOIN users du ON du.id = c.decided_by`;

export function toCertificate(row: CertificateRow): Certificate {
  return {
    id: row.id,
    seriesId: row.series_id,
    version: row.version,
    supplier: { organisationId: row.organisation_id, name: row.supplier_name, erpId: row.supplier_erp_id },
    type: row.type,
    number: row.number,
    issuer: row.issuer,
    scope: row.scope,
    covers: JSON.parse(row.covers) as CertificateCovers,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    file: { id: row.file_id, name: row.file_name, sha256: row.file_sha256, sizeBytes: row.file_size, storageKey: row.file_storage_key },
    recordHash: row.record_hash,
    state: row.state,
    stateReason: row.state_reason,
    submittedBy: { id: row.submitted_by, name: row.submitted_by_name },
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by ? { id: row.decided_by, name: row.decided_by_name ?? '' } : null,
  };
}

/**
 * The content of one version that a signature binds to (21 CFR 11.70): every field the
 * supplier submitted and the SHA-256 of the exact file. The state is not part of it: a
 * decision changes the state, never the content.
 */
export function certificateContent(c: Pick<Certificate, 'id' | 'seriesId' | 'version' | 'type' | 'number' | 'issuer' | 'scope' | 'covers' | 'validFrom' | 'validTo' | 'submittedAt'> & {
  organisationId: string;
  submittedById: string;
  file: { sha256: string; sizeBytes: number; name: string };
}): Record<string, unknown> {
  return {
    kind: 'lotbridge/certificate/v1',
    certificate: c.id,
    series: c.seriesId,
    version: c.version,
    supplier: c.organisationId,
    type: c.type,
    number: c.number,
    issuer: c.issuer,
    scope: c.scope,
    covers: { gtins: c.covers.gtins, lots: c.covers.lots },
    validFrom: c.validFrom,
    validTo: c.validTo,
    file: { sha256: c.file.sha256, sizeBytes: c.file.sizeBytes, name: c.file.name },
    submittedBy: c.submittedById,
    submittedAt: c.submittedAt,
  };
}

/** The record hash recomputed from what is stored now. */
export function certificateRecordHash(c: Certificate): string {
  return recordHash(certificateContent({ ...c, organisationId: c.supplier.organisationId, submittedById: c.submittedBy.id }));
}

/**
 * Who may see a certificate: the supplier that submitted it, and the manufacturer's staff
 * (QA reviews, administrators oversee). A SQL condition over `c.` plus its arguments; null
 * when the actor may see none.
 */
export function certificateScope(actor: Actor): { sql: string; args: string[] } | null {
  if (actor.role === 'manufacturer_qa' || actor.role === 'manufacturer_admin') return { sql: '1 = 1', args: [] };
  if (actor.role === 'supplier_user') return ownedBy(actor, 'c.organisation_id');
  return null;
}

export interface SignatureManifestation {
  signerName: string;
  meaning: string;
  signedAt: string;
  method: 'password' | 'passkey';
}

/** The `data` of every certificate.* event (before the outbox adds `aggregate`). */
export function certificateEventData(c: Certificate, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    certificateId: c.id,
    seriesId: c.seriesId,
    version: c.version,
    state: c.state,
    supplier: { organisationId: c.supplier.organisationId, erpId: c.supplier.erpId, name: c.supplier.name },
    type: c.type,
    number: c.number,
    issuer: c.issuer,
    scope: c.scope,
    covers: c.covers,
    validFrom: c.validFrom,
    validTo: c.validTo,
    file: { sha256: c.file.sha256, name: c.file.name, sizeBytes: c.file.sizeBytes },
    recordHash: c.recordHash,
    submittedAt: c.submittedAt,
    ...extra,
  };
}
