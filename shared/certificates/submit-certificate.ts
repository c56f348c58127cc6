import type { FilesContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { Actor } from '../auth/actor.ts';
import { asAuditActor } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import { submitCertificates } from './certificate-permissions.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { isAppError, problem, refusal, type Problems } from '../errors.ts';
import { translateProblem } from '../i18n/index.ts';
import { newId } from '../ids.ts';
import { recordHash } from '../signatures/record-hash.ts';
import { checkUpload, storeUpload, type CheckedUpload, type Upload, type UploadLimits } from '../files/store-upload.ts';
import {
  certificateContent,
  certificateEventData,
  certificateSelect,
  isCertificateType,
  toCertificate,
  type Certificate,
  type CertificateRow,
  type CertificateType,
} from './certificate.ts';

export interface CertificateSubmission {
  type: string;
  number: string;
  /** The issuing body, e.g. the notified body of a CE certificate. */
  issuer: string;
  scope: string;
  /** GTIN-8/12/13/14 of the products covered (stored as GTIN-14). */
  gtins?: string[];
  lots?: string[];
  /** YYYY-MM-DD */
  validFrom: string;
  validTo: string;
  file: Upload | null;
  /** Submit a new version of this certificate (a series of the caller's organisation). */
  replacesSeriesId?: string;
}

const limits = { number: 64, issuer: 200, scope: 2000, gtins: 200, lots: 200, lot: 20 };

function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

interface Validated {
  type: CertificateType;
  number: string;
  issuer: string;
  scope: string;
  gtins: string[];
  lots: string[];
  validFrom: string;
  validTo: string;
}

/** Every field problem at once, so the supplier corrects the form in one go. */
function validate(input: CertificateSubmission, fields: Problems): Validated {
  const type = text(input.type);
  if (!type) fields.type = problem('common.required');
  else if (!isCertificateType(type)) fields.type = problem('certificates.unknownType');

  const required = (name: 'number' | 'issuer' | 'scope') => {
    const v = text(input[name]);
    if (!v) fields[name] = problem('common.required');
    else if (v.length > limits[name]) fields[name] = problem('common.tooLong', { max: limits[name] });
    return v;
  };
  const number = required('number');
  const issuer = required('issuer');
  const scope = required('scope');

  const gtinsIn = (input.gtins ?? []).map(text).filter(Boolean);
  const badGtins = gtinsIn.filter((g) => !isValidGtin(g));
  if (badGtins.length) fields.gtins = problem('certificates.badGtin', { gtins: badGtins.join(', ') });
  else if (gtinsIn.length > limits.gtins) fields.gtins = problem('certificates.tooManyGtins', { max: limits.gtins });

  const lotsIn = (input.lots ?? []).map(text).filter(Boolean);
  // eslint-disable-next-line no-control-regex
  const badLots = lotsIn.filter((l) => l.length > limits.lot || /[\u0000-\u001f\u007f]/.test(l));
  if (badLots.length) fields.lots = problem('certificates.badLot', { lots: badLots.join(', ') });
  else if (lotsIn.length > limits.lots) fields.lots = problem('certificates.tooManyLots', { max: limits.lots });

  const validFrom = text(input.validFrom);
  const validTo = text(input.validTo);
  if (!validFrom) fields.validFrom = problem('common.required');
  else if (!isDate(validFrom)) fields.validFrom = problem('certificates.badDate');
  if (!validTo) fields.validTo = problem('common.required');
  else if (!isDate(validTo)) fields.validTo = problem('certificates.badDate');
  else if (!fields.validFrom && validTo < validFrom) fields.validTo = problem('certificates.toBeforeFrom');

  return {
    type: type as CertificateType,
    number,
    issuer,
    scope,
    gtins: distinct(gtinsIn.map(toGtin14)),
    lots: distinct(lotsIn),
    validFrom,
    validTo,
  };
}

/** Marks the versions of a series that were still waiting for QA as superseded by `by`. */
async function supersedeWaiting(tx: Tx, clock: Clock, actor: Actor, by: Certificate, requestId?: string): Promise<void> {
  const waiting = await tx.all<CertificateRow>(`${certificateSelect} WHERE c.series_id = ? AND c.state = 'submitted' AND c.id != ? ORDER BY c.version`, [
    by.seriesId,
    by.id,
  ]);
  for (const row of waiting) {
    await tx.run("UPDATE certificates SET state = 'superseded', state_reason = ? WHERE id = ? AND state = 'submitted'", [`replaced by version ${by.version}`, row.id]);
    const old = toCertificate({ ...row, state: 'superseded' });
    await recordAudit(tx, clock, {
      actor: asAuditActor(actor),
      organisationId: row.organisation_id,
      action: 'certificate.superseded',
      entityType: 'certificate',
      entityId: row.id,
      oldValues: { state: 'submitted' },
      newValues: { state: 'superseded', supersededBy: by.id, supersededByVersion: by.version },
      reason: `replaced by version ${by.version} before a decision`,
      requestId,
    });
    await enqueueEvent(tx, clock, {
      type: 'certificate.superseded',
      aggregateType: 'certificate',
      aggregateId: row.series_id,
      organisationId: row.organisation_id,
      data: certificateEventData(old, { supersededBy: { certificateId: by.id, version: by.version } }),
    });
  }
}

/**
 * A supplier user submits a certificate of their own organisation (or a new version of one):
 * the fields are validated all at once, the PDF checked by content and stored outside the
 * database, and the version is recorded as `submitted` with its record hash (the content and
 * the file's SHA-256, what QA's signature will bind to), audited and announced to the ERP in
 * one transaction. A version still waiting for QA in the same series is superseded by it.
 */
export async function submitCertificate(ctx: FilesContext, actor: Actor, uploads: UploadLimits, input: CertificateSubmission): Promise<Certificate> {
  submitCertificates.require(actor);
  const fields: Problems = {};
  const v = validate(input, fields);

  let series: { id: string; type: CertificateType } | undefined;
  const replaces = text(input.replacesSeriesId);
  if (replaces) {
    const scope = ownedBy(actor);
    const latest = await ctx.db.get<{ series_id: string; type: CertificateType }>(
      `SELECT series_id, type FROM certificates WHERE series_id = ? AND ${scope.sql} ORDER BY version DESC LIMIT 1`,
      [replaces, ...scope.args],
    );
    if (!latest) fields.replacesSeriesId = problem('certificates.unknownSeries');
    else {
      series = { id: latest.series_id, type: latest.type };
      if (!fields.type && v.type !== latest.type) fields.type = problem('certificates.typeChanged', { type: latest.type });
    }
  }

  let file: CheckedUpload | undefined;
  try {
    file = await checkUpload(uploads, input.file);
  } catch (e) {
    if (!isAppError(e) || !e.problems?.file) throw e;
    fields.file = e.problems.file;
  }
  if (Object.keys(fields).length > 0 || !file) {
    const summary = Object.entries(fields)
      .map(([k, p]) => `${k}: ${translateProblem('en', p)}`)
      .join('; ');
    throw refusal('invalid_input', `the certificate was not submitted: ${summary}`, fields);
  }

  const { result } = await storeUpload(ctx, actor, uploads, file, async (tx, stored) => {
    const seriesId = series?.id ?? newId('cers');
    const last = await tx.get<{ version: number | null }>('SELECT MAX(version) AS version FROM certificates WHERE series_id = ?', [seriesId]);
    const version = (last?.version ?? 0) + 1;
    const id = newId('cer');
    const submittedAt = ctx.clock.now().toISOString();
    const hash = recordHash(
      certificateContent({
        id,
        seriesId,
        version,
        organisationId: actor.organisationId,
        ...v,
        covers: { gtins: v.gtins, lots: v.lots },
        file: { sha256: stored.sha256, sizeBytes: stored.sizeBytes, name: stored.originalName },
        submittedById: actor.userId,
        submittedAt,
      }),
    );
    await tx.run(
      `INSERT INTO certificates (id, series_id, version, organisation_id, type, number, issuer, scope, covers, valid_from, valid_to, file_id, record_hash,
                                 state, submitted_by, submitted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?)`,
      [
        id,
        seriesId,
        version,
        actor.organisationId,
        v.type,
        v.number,
        v.issuer,
        v.scope,
        JSON.stringify({ gtins: v.gtins, lots: v.lots }),
        v.validFrom,
        v.validTo,
        stored.id,
        hash,
        actor.userId,
        submittedAt,
      ],
    );
    const certificate = toCertificate((await tx.get<CertificateRow>(`${certificateSelect} WHERE c.id = ?`, [id]))!);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'certificate.submitted',
      entityType: 'certificate',
      entityId: id,
      newValues: {
        state: 'submitted',
        series: seriesId,
        version,
        type: v.type,
        number: v.number,
        issuer: v.issuer,
        scope: v.scope,
        covers: certificate.covers,
        validFrom: v.validFrom,
        validTo: v.validTo,
        file: stored.id,
        fileSha256: stored.sha256,
        recordHash: hash,
      },
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'certificate.submitted',
      aggregateType: 'certificate',
      aggregateId: seriesId,
      organisationId: actor.organisationId,
      data: certificateEventData(certificate),
    });
    if (series) await supersedeWaiting(tx, ctx.clock, actor, certificate, ctx.requestId);
    return certificate;
  });
  return result;
}
