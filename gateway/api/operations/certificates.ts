// /api/v1/certificates: a supplier's system uploads a certificate (the PDF and the fields of the
// portal's form, checked by the same submitCertificate use case), lists its certificates as the
// portal does, follows one's state (QA's decision with its reason, validity) and fetches its PDF.
import type { ApiOperation, MultipartBody } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { listOf, listQuery } from '../list.ts';
import { afterCursor, nextCursor } from '../keyset-cursor.ts';
import { submitCertificate } from '../../../shared/certificates/submit-certificate.ts';
import { listCertificates, type CertificateListItem } from '../../../shared/certificates/list-certificates.ts';
import { getCertificate } from '../../../shared/certificates/get-certificate.ts';
import { readCertificateFile } from '../../../shared/certificates/read-certificate-file.ts';
import { certificateStates, certificateTypes, type Certificate } from '../../../shared/certificates/certificate.ts';
import { daysLeft, utcDay } from '../../../shared/certificates/expiry.ts';
import { attachment } from '../../../shared/files/content-disposition.ts';

const type = { enum: [...certificateTypes], description: 'iso13485, ce_mdr, fda_registration, coc (certificate of conformity), coa (certificate of analysis) or other.' };
const state = {
  enum: [...certificateStates],
  description: 'submitted (waiting for QA), approved, rejected, or superseded (replaced by a newer version, or an approved one withdrawn).',
};
const day = { type: 'string', format: 'date', examples: ['2027-12-31'] };

const summaryProperties = {
  id: { type: 'string', examples: ['cer_4f6h8j3km7q2x5wn4p6r8t2v4x6z8b2d'] },
  seriesId: { type: 'string', description: 'The certificate across its versions (pass it as `replacesSeriesId` to submit a new version).' },
  version: { type: 'integer', minimum: 1 },
  type,
  number: { type: 'string', examples: ['MDR 745123'] },
  issuer: { type: 'string', examples: ['TÜV SÜD Product Service GmbH'] },
  validFrom: day,
  validTo: day,
  state,
  submittedAt: { type: 'string', format: 'date-time' },
  decidedAt: { type: ['string', 'null'], format: 'date-time' },
};

export const CertificateSummarySchema = apiSchema('CertificateSummary', {
  type: 'object',
  description: 'A certificate version as lists show it (GET /certificates/{certificateId} has all of it).',
  required: Object.keys(summaryProperties),
  additionalProperties: false,
  properties: summaryProperties,
});

export const CertificateSchema = apiSchema('Certificate', {
  type: 'object',
  description: 'One version of a certificate: what was submitted, its state, QA\'s decision and how long it is valid.',
  required: [...Object.keys(summaryProperties), 'scope', 'covers', 'file', 'submittedBy', 'decision', 'validity'],
  additionalProperties: false,
  properties: {
    ...summaryProperties,
    scope: { type: 'string' },
    covers: {
      type: 'object',
      description: 'The products (GTIN-14) and lots it covers; both may be empty (e.g. a whole QMS).',
      required: ['gtins', 'lots'],
      additionalProperties: false,
      properties: { gtins: { type: 'array', items: { type: 'string' } }, lots: { type: 'array', items: { type: 'string' } } },
    },
    file: {
      type: 'object',
      description: 'The PDF (GET /certificates/{certificateId}/file).',
      required: ['name', 'sizeBytes'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, sizeBytes: { type: 'integer', minimum: 1 } },
    },
    submittedBy: {
      type: 'object',
      required: ['id', 'name'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, name: { type: 'string' } },
    },
    decision: {
      type: ['object', 'null'],
      description: "QA's decision (signed in the portal); null while it waits. `reason` says why it was rejected, superseded or withdrawn.",
      required: ['state', 'reason', 'decidedAt', 'decidedBy'],
      additionalProperties: false,
      properties: {
        state: { enum: ['approved', 'rejected', 'superseded'] },
        reason: { type: ['string', 'null'] },
        decidedAt: { type: ['string', 'null'], format: 'date-time' },
        decidedBy: { type: ['string', 'null'], description: 'The name of who decided.' },
      },
    },
    validity: {
      type: 'object',
      description: 'Judged on the UTC calendar: valid through its validTo day.',
      required: ['status', 'daysLeft'],
      additionalProperties: false,
      properties: {
        status: { enum: ['not_yet_valid', 'valid', 'expired'] },
        daysLeft: { type: 'integer', description: 'Days from today to validTo: 0 on the last valid day, negative once expired.' },
      },
    },
  },
});

const summaryBody = (c: CertificateListItem) => ({
  id: c.id,
  seriesId: c.seriesId,
  version: c.version,
  type: c.type,
  number: c.number,
  issuer: c.issuer,
  validFrom: c.validFrom,
  validTo: c.validTo,
  state: c.state,
  submittedAt: c.submittedAt,
  decidedAt: c.decidedAt,
});

function certificateBody(c: Certificate, now: Date) {
  const today = utcDay(now);
  const left = daysLeft(c.validTo, today);
  return {
    ...summaryBody(c),
    scope: c.scope,
    covers: { gtins: c.covers.gtins, lots: c.covers.lots },
    file: { name: c.file.name, sizeBytes: c.file.sizeBytes },
    submittedBy: { id: c.submittedBy.id, name: c.submittedBy.name },
    decision: c.state === 'submitted' ? null : { state: c.state, reason: c.stateReason, decidedAt: c.decidedAt, decidedBy: c.decidedBy?.name ?? null },
    validity: { status: today < c.validFrom ? 'not_yet_valid' : left < 0 ? 'expired' : 'valid', daysLeft: left },
  };
}

/** A list typed one per line or separated by commas or semicolons, as the portal's form takes GTINs and lots. */
const textList = (value: string | undefined) =>
  (value ?? '')
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const example = {
  id: 'cer_4f6h8j3km7q2x5wn4p6r8t2v4x6z8b2d',
  seriesId: 'cers_q2x5wn4p6r8t2v4x6z8b2d4f6h8j3k',
  version: 1,
  type: 'ce_mdr',
  number: 'MDR 745123',
  issuer: 'TÜV SÜD Product Service GmbH',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
  state: 'rejected',
  submittedAt: '2026-03-02T09:15:00.000Z',
  decidedAt: '2026-03-03T14:02:00.000Z',
  scope: 'Sterile single-use catheters',
  covers: { gtins: ['09506000134352'], lots: [] },
  file: { name: 'mdr-745123.pdf', sizeBytes: 182734 },
  submittedBy: { id: 'usr_b3kq7yv2m5nz4c6dxa1ehtpw', name: 'ERP export (API key)' },
  decision: { state: 'rejected', reason: 'The annex listing the covered products is missing.', decidedAt: '2026-03-03T14:02:00.000Z', decidedBy: 'Anna Weber' },
  validity: { status: 'valid', daysLeft: 640 },
};

export const certificatesOperations: ApiOperation[] = [
  {
    operationId: 'submitCertificate',
    method: 'post',
    path: '/certificates',
    tags: ['Certificates'],
    summary: 'Upload a certificate (or a new version of one)',
    description:
      'multipart/form-data with the PDF as `file` and the fields of the portal\'s form. Every field problem is answered at once; the PDF is checked by its content. ' +
      'The version waits for QA (`submitted`); a version of the same series still waiting is superseded by it.',
    scope: 'certificates:write',
    body: {
      multipart: {
        type: 'object',
        required: ['file', 'type', 'number', 'issuer', 'scope', 'validFrom', 'validTo'],
        additionalProperties: false,
        properties: {
          file: { type: 'string', contentMediaType: 'application/pdf', description: 'The certificate as a PDF.' },
          type,
          number: { type: 'string', maxLength: 64, description: 'The certificate number.' },
          issuer: { type: 'string', maxLength: 200, description: 'Who issued it, e.g. the notified body.' },
          scope: { type: 'string', maxLength: 2000, description: 'What it covers, in words.' },
          gtins: { type: 'string', description: 'GTINs of the products it covers, one per line or separated by commas (at most 200).' },
          lots: { type: 'string', description: 'Lots it covers, one per line or separated by commas (at most 200).' },
          validFrom: { type: 'string', description: 'YYYY-MM-DD.', examples: ['2026-01-01'] },
          validTo: { type: 'string', description: 'YYYY-MM-DD, not before validFrom.', examples: ['2027-12-31'] },
          replacesSeriesId: { type: 'string', description: 'Submit a new version of this certificate (its seriesId).' },
        },
      },
    },
    responses: { 201: { description: 'The version was stored and waits for QA.', schema: CertificateSchema, example: { ...example, state: 'submitted', decidedAt: null, decision: null } } },
    async handle({ caller, ctx, body, uploads }) {
      const { fields, file } = body as MultipartBody;
      const certificate = await submitCertificate(ctx, caller.actor, uploads, {
        type: fields.type ?? '',
        number: fields.number ?? '',
        issuer: fields.issuer ?? '',
        scope: fields.scope ?? '',
        gtins: textList(fields.gtins),
        lots: textList(fields.lots),
        validFrom: fields.validFrom ?? '',
        validTo: fields.validTo ?? '',
        file: file ? { name: file.name, bytes: file.bytes } : null,
        replacesSeriesId: fields.replacesSeriesId || undefined,
      });
      return { status: 201, body: certificateBody(certificate, ctx.clock.now()), headers: { Location: `/api/v1/certificates/${certificate.id}` } };
    },
  },
  {
    operationId: 'listCertificates',
    method: 'get',
    path: '/certificates',
    tags: ['Certificates'],
    summary: "Your organisation's certificate versions",
    description: "Filtered as the portal's certificate list: state (without it every version but the superseded ones), type, latest (only each certificate's newest version). Newest first unless sorted otherwise.",
    scope: 'certificates:read',
    query: listQuery({
      sorts: ['submitted', 'valid_to'],
      defaultOrder: 'desc',
      filters: { state, type, latest: { type: 'boolean', description: "Only each certificate's newest version." } },
    }),
    responses: { 200: { description: 'A page of certificate versions.', schema: listOf(CertificateSummarySchema) } },
    async handle({ caller, ctx, query }) {
      const q = query as { cursor?: string; limit?: number; sort?: 'submitted' | 'valid_to'; order?: 'asc' | 'desc'; state?: string; type?: string; latest?: boolean };
      const list = await listCertificates(ctx, caller.actor, {
        state: q.state,
        type: q.type,
        latest: q.latest ?? false,
        sort: q.sort ?? 'submitted',
        order: q.order ?? 'desc',
        after: afterCursor(q.cursor),
        limit: q.limit ?? 50,
      });
      return { status: 200, body: { items: list.items.map(summaryBody), nextCursor: nextCursor(list.next) } };
    },
  },
  {
    operationId: 'getCertificate',
    method: 'get',
    path: '/certificates/{certificateId}',
    tags: ['Certificates'],
    summary: "One certificate version: its state, QA's decision and its validity",
    scope: 'certificates:read',
    responses: { 200: { description: 'The certificate version.', schema: CertificateSchema, example } },
    async handle({ caller, ctx, params }) {
      const detail = await getCertificate(ctx, caller.actor, params.certificateId!);
      return { status: 200, body: certificateBody(detail.certificate, ctx.clock.now()) };
    },
  },
  {
    operationId: 'getCertificateFile',
    method: 'get',
    path: '/certificates/{certificateId}/file',
    tags: ['Certificates'],
    summary: 'The PDF of a certificate version',
    description: 'Handed out only when it still matches the SHA-256 recorded at upload.',
    scope: 'certificates:read',
    responses: { 200: { description: 'The PDF.', contentType: 'application/pdf', schema: { type: 'string', contentMediaType: 'application/pdf' } } },
    async handle({ caller, ctx, params }) {
      const file = await readCertificateFile(ctx, caller.actor, params.certificateId!);
      return {
        status: 200,
        body: file.bytes,
        headers: { 'Content-Disposition': attachment(file.name), 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox" },
      };
    },
  },
];
