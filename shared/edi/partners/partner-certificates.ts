/**
 * A partner's certificates: checking an uploaded file, storing it, reading the current ones.
 * Shared by add-partner, add-partner-certificate, list-partners and the AS2 pipeline.
 */
import type { Tx } from '../../db/index.ts';
import { newId } from '../../ids.ts';
import { certificateValidity, type CertificateValidity } from './certificate-expiry.ts';
import { problem, type Problems } from '../../errors.ts';
import { CertificateFileError, certificateUsages, impliedUsage, missingKeyUsage, parseCertificateFile, type CertificateUsage, type ParsedCertificate } from './x509.ts';

/** A certificate file as an operator gives it (CLI path or uploaded file). */
export interface CertificateUpload {
  fileName: string;
  data: Uint8Array | string;
  /** signing | encryption | both; by default what the certificate's keyUsage allows. */
  usage?: string;
}

export interface CheckedCertificate {
  parsed: ParsedCertificate;
  usage: CertificateUsage;
  /** Accepted, but not usable before notBefore: the partner rolls over to it later. */
  notYetValid: boolean;
}

export interface PartnerCertificate {
  id: string;
  partnerId: string;
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  usage: CertificateUsage;
  addedAt: string;
  removedAt: string | null;
  pem: string;
  validity: CertificateValidity;
}

interface CertificateRow {
  id: string;
  partner_id: string;
  certificate_pem: string;
  fingerprint_sha256: string;
  subject: string;
  issuer: string;
  serial_number: string;
  not_before: string;
  not_after: string;
  usage: CertificateUsage;
  added_at: string;
  removed_at: string | null;
}

/**
 * Parses and checks one upload; a problem goes to `problems[path]` and undefined is returned.
 * Expired certificates are refused (nothing could be verified or encrypted with them);
 * not-yet-valid ones are accepted, flagged, for a partner announcing its next certificate.
 */
export function checkCertificateUpload(upload: CertificateUpload, path: string, now: Date, problems: Problems): CheckedCertificate | undefined {
  let parsed: ParsedCertificate;
  try {
    parsed = parseCertificateFile(upload.fileName, upload.data);
  } catch (e) {
    if (e instanceof CertificateFileError) {
      problems[path] = e.problem;
      return undefined;
    }
    throw e;
  }
  if (parsed.notAfter.getTime() < now.getTime()) {
    problems[path] = problem('partners.certExpired', { file: upload.fileName, subject: parsed.subject, serial: parsed.serialNumber, date: parsed.notAfter.toISOString() });
    return undefined;
  }
  let usage: CertificateUsage;
  if (upload.usage === undefined || upload.usage === '') usage = impliedUsage(parsed);
  else if (certificateUsages.includes(upload.usage as CertificateUsage)) usage = upload.usage as CertificateUsage;
  else {
    problems[path] = problem('partners.badUsage', { file: upload.fileName, choices: certificateUsages.join(', '), value: upload.usage });
    return undefined;
  }
  const missing = missingKeyUsage(parsed, usage);
  if (missing.length) {
    problems[path] = problem('partners.keyUsage', { file: upload.fileName, subject: parsed.subject, serial: parsed.serialNumber, missing: missing.join(', ') });
    return undefined;
  }
  return { parsed, usage, notYetValid: parsed.notBefore.getTime() > now.getTime() };
}

/** The current (not removed) certificate with this fingerprint, if the partner has one. */
export async function currentCertificateId(tx: Tx, partnerId: string, fingerprint: string): Promise<string | undefined> {
  const row = await tx.get<{ id: string }>('SELECT id FROM edi_partner_certificates WHERE partner_id = ? AND fingerprint_sha256 = ? AND removed_at IS NULL', [partnerId, fingerprint]);
  return row?.id;
}

export async function insertPartnerCertificate(tx: Tx, partnerId: string, c: CheckedCertificate, now: string): Promise<string> {
  const id = newId('pcert');
  await tx.run(
    `INSERT INTO edi_partner_certificates (id, partner_id, certificate_pem, fingerprint_sha256, subject, issuer, serial_number, not_before, not_after, usage, added_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, partnerId, c.parsed.pem, c.parsed.fingerprintSha256, c.parsed.subject, c.parsed.issuer, c.parsed.serialNumber, c.parsed.notBefore.toISOString(), c.parsed.notAfter.toISOString(), c.usage, now],
  );
  return id;
}

/** What the audit trail records of a certificate: enough to identify it, not the PEM. */
export function certificateAuditValues(c: CheckedCertificate): Record<string, unknown> {
  return {
    fingerprintSha256: c.parsed.fingerprintSha256,
    subject: c.parsed.subject,
    issuer: c.parsed.issuer,
    serialNumber: c.parsed.serialNumber,
    notBefore: c.parsed.notBefore.toISOString(),
    notAfter: c.parsed.notAfter.toISOString(),
    usage: c.usage,
  };
}

function fromRow(r: CertificateRow, now: Date): PartnerCertificate {
  return {
    id: r.id,
    partnerId: r.partner_id,
    fingerprintSha256: r.fingerprint_sha256,
    subject: r.subject,
    issuer: r.issuer,
    serialNumber: r.serial_number,
    usage: r.usage,
    addedAt: r.added_at,
    removedAt: r.removed_at,
    pem: r.certificate_pem,
    validity: certificateValidity(r.not_before, r.not_after, now),
  };
}

/** A partner's certificates, current ones first (newest first), then the removed ones. */
export async function readPartnerCertificates(tx: Pick<Tx, 'all'>, partnerIds: string[], now: Date): Promise<Map<string, PartnerCertificate[]>> {
  const out = new Map<string, PartnerCertificate[]>(partnerIds.map((id) => [id, []]));
  if (partnerIds.length === 0) return out;
  const rows = await tx.all<CertificateRow>(
    // One JSON parameter however many partners: a Durable Object binds at most 100 a statement.
    `SELECT * FROM edi_partner_certificates WHERE partner_id IN (SELECT value FROM json_each(?))
      ORDER BY removed_at IS NOT NULL, added_at DESC, not_after DESC`,
    [JSON.stringify(partnerIds)],
  );
  for (const r of rows) out.get(r.partner_id)!.push(fromRow(r, now));
  return out;
}

/** Warnings for certificates that were accepted but need the operator's attention. */
export function certificateWarnings(checked: CheckedCertificate[], now: Date): string[] {
  const warnings: string[] = [];
  for (const c of checked) {
    const v = certificateValidity(c.parsed.notBefore.toISOString(), c.parsed.notAfter.toISOString(), now);
    const name = `certificate "${c.parsed.subject}" (serial ${c.parsed.serialNumber})`;
    if (c.notYetValid) warnings.push(`${name} is not valid before ${v.notBefore}; it is kept for the partner's rollover`);
    if (v.warning === 'expiring') warnings.push(`${name} expires on ${v.notAfter}, in ${v.daysLeft} day(s)`);
  }
  return warnings;
}
