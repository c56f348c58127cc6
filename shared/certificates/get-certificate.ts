import { recordHistory, type HistoryEntry } from '../audit/record-history.ts';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import type { SignatureMeaning } from '../signatures/record-hash.ts';
import { certificatePermissions } from './certificate-permissions.ts';
import { certificateRecordHash, certificateScope, certificateSelect, toCertificate, type Certificate, type CertificateRow, type CertificateState } from './certificate.ts';

/** The manifestation of one signature (21 CFR 11.50): printed name, date and time (UTC), meaning. */
export interface CertificateSignature {
  id: string;
  signerName: string;
  signedAt: string;
  meaning: SignatureMeaning;
  method: 'password' | 'passkey';
  reason: string | null;
  recordHash: string;
}

export interface CertificateDetail {
  certificate: Certificate;
  /** Whether the stored content still hashes to its record hash (what the signatures bind to). */
  hashIntact: boolean;
  signatures: CertificateSignature[];
  /** Every version of the series, newest first (this one included). */
  versions: { id: string; version: number; state: CertificateState; submittedAt: string; decidedAt: string | null }[];
  /** This version's audit trail (its file's storage, submission, signatures, decisions), oldest first. */
  history: HistoryEntry[];
  /** What this actor may do with the version now: decide on it (QA), submit a new version (its supplier). */
  permissions: { decide: boolean; uploadVersion: boolean };
}


/**
 * One certificate version with its signatures, the other versions of its series and its
 * history from the audit trail. Visible to the supplier that submitted it and to the
 * manufacturer's staff; anyone else gets not_found, which hides that it exists.
 */
export async function getCertificate(ctx: UseCaseContext, actor: Actor, certificateId: string): Promise<CertificateDetail> {
  const scope = certificateScope(actor);
  const row = scope ? await ctx.db.get<CertificateRow>(`${certificateSelect} WHERE c.id = ? AND ${scope.sql}`, [certificateId, ...scope.args]) : undefined;
  if (!row) throw new AppError('not_found', 'no such certificate');
  const certificate = toCertificate(row);
  const [signatures, versions, history] = await Promise.all([
    ctx.db.all<{ id: string; signer_name: string; signed_at: string; meaning: SignatureMeaning; method: 'password' | 'passkey'; reason: string | null; record_hash: string }>(
      "SELECT id, signer_name, signed_at, meaning, method, reason, record_hash FROM signatures WHERE entity_type = 'certificate' AND entity_id = ? ORDER BY signed_at, id",
      [certificate.id],
    ),
    ctx.db.all<{ id: string; version: number; state: CertificateState; submitted_at: string; decided_at: string | null }>(
      'SELECT id, version, state, submitted_at, decided_at FROM certificates WHERE series_id = ? AND organisation_id = ? ORDER BY version DESC',
      [certificate.seriesId, certificate.supplier.organisationId],
    ),
    recordHistory(ctx.db, [
      { entityType: 'certificate', entityId: certificate.id },
      { entityType: 'stored_file', entityId: certificate.file.id },
    ]),
  ]);
  return {
    certificate,
    hashIntact: certificateRecordHash(certificate) === certificate.recordHash,
    permissions: certificatePermissions(actor, certificate),
    signatures: signatures.map((s) => ({
      id: s.id,
      signerName: s.signer_name,
      signedAt: s.signed_at,
      meaning: s.meaning,
      method: s.method,
      reason: s.reason,
      recordHash: s.record_hash,
    })),
    versions: versions.map((v) => ({ id: v.id, version: v.version, state: v.state, submittedAt: v.submitted_at, decidedAt: v.decided_at })),
    history,
  };
}
