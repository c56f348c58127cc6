/**
 * The bytes of an AS2 message for download, exactly as stored: the request body as received
 * (or as we sent it), the payload unwrapping left (or that we sent), the MDN (ours, or the
 * partner's). Manufacturer administrators only: these are whole partner documents, and a raw
 * body is what a partner's signature covers. Bytes kept as files are checked against the
 * SHA-256 recorded when they were stored before they are handed out. Every download is an
 * audit entry (who took which bytes, their SHA-256): regulated records leaving the system.
 * Files come from the file storage (the folder UPLOAD_DIR or the bucket).
 */
import { createHash } from 'node:crypto';
import { asAuditActor, type Actor } from '../../auth/actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { FilesContext, UseCaseContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { FileStorage } from '../../files/file-storage.ts';
import { operateEdiLog } from './edi-log-access.ts';

export const ediByteKinds = ['raw', 'payload', 'mdn'] as const;
export type EdiByteKind = (typeof ediByteKinds)[number];

export interface EdiBytes {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
  sha256: string;
}

const sha256Of = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const asBytes = (b: ArrayBuffer | Uint8Array) => (b instanceof Uint8Array ? b : new Uint8Array(b));
const safeName = (s: string) => s.replace(/[^A-Za-z0-9._@-]+/g, '_').slice(0, 120) || 'message';

function contentTypeOf(headersJson: string | null, fallback: string): string {
  const headers = headersJson ? (JSON.parse(headersJson) as [string, string][]) : [];
  return headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? fallback;
}

async function storedFile(files: FileStorage, id: string, kind: EdiByteKind, storageKey: string, sha256: string | null): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await files.get(storageKey);
  } catch (e) {
    throw new AppError('unavailable', `the stored ${kind} bytes of AS2 message ${id} cannot be read (${storageKey}): ${(e as Error).message}`);
  }
  if (sha256 !== null && sha256Of(bytes) !== sha256) {
    throw new AppError('unavailable', `the stored ${kind} bytes of AS2 message ${id} do not match the SHA-256 recorded when they were received (${storageKey}): they are not handed out`);
  }
  return bytes;
}

interface Found extends EdiBytes {
  organisationId: string | null;
}

const entityTypes = { in: 'as2_message', out: 'as2_outbound_message' } as const;

async function inbound(ctx: FilesContext, id: string, kind: EdiByteKind): Promise<Found | null> {
  const r = await ctx.db.get<{
    message_id: string;
    content_type: string;
    raw_storage_key: string | null;
    raw_sha256: string;
    payload_storage_key: string | null;
    payload_sha256: string | null;
    payload_filename: string | null;
    payload_content_type: string | null;
    mdn_headers: string | null;
    mdn_body: ArrayBuffer | Uint8Array | null;
    organisation_id: string | null;
  }>(
    `SELECT m.message_id, m.content_type, m.raw_storage_key, m.raw_sha256, m.payload_storage_key, m.payload_sha256, m.payload_filename, m.payload_content_type,
            ${kind === 'mdn' ? 'm.mdn_headers, m.mdn_body' : 'NULL AS mdn_headers, NULL AS mdn_body'}, p.organisation_id
       FROM as2_messages m LEFT JOIN edi_partners p ON p.id = m.partner_id WHERE m.id = ? AND m.direction = 'in'`,
    [id],
  );
  if (!r) return null;
  const name = safeName(r.message_id);
  if (kind === 'raw') {
    if (!r.raw_storage_key) throw new AppError('not_found', `AS2 message ${id}: its body was not kept, because the sender did not authenticate (its SHA-256 ${r.raw_sha256} is recorded)`);
    const bytes = await storedFile(ctx.files, id, kind, r.raw_storage_key, r.raw_sha256);
    return { bytes, contentType: r.content_type, fileName: `${name}.as2`, sha256: r.raw_sha256, organisationId: r.organisation_id };
  }
  if (kind === 'payload') {
    if (!r.payload_storage_key) throw new AppError('not_found', `AS2 message ${id} has no payload: it was refused before unwrapping gave one (see its failure)`);
    const bytes = await storedFile(ctx.files, id, kind, r.payload_storage_key, r.payload_sha256);
    return { bytes, contentType: r.payload_content_type ?? 'application/octet-stream', fileName: r.payload_filename ?? `${name}.payload`, sha256: sha256Of(bytes), organisationId: r.organisation_id };
  }
  if (!r.mdn_body) throw new AppError('not_found', `AS2 message ${id} has no MDN: the partner asked for none, or it is not built yet`);
  const bytes = asBytes(r.mdn_body);
  return { bytes, contentType: contentTypeOf(r.mdn_headers, 'multipart/report'), fileName: `${name}.mdn`, sha256: sha256Of(bytes), organisationId: r.organisation_id };
}

async function outbound(ctx: UseCaseContext, id: string, kind: EdiByteKind): Promise<Found | null> {
  const column = { raw: 'request_body', payload: 'payload', mdn: 'mdn_body' }[kind];
  const r = await ctx.db.get<{
    message_id: string;
    filename: string;
    content_type: string;
    payload_sha256: string;
    request_headers: string | null;
    mdn_headers: string | null;
    bytes: ArrayBuffer | Uint8Array | null;
    organisation_id: string | null;
  }>(
    `SELECT m.message_id, m.filename, m.content_type, m.payload_sha256, m.request_headers, m.mdn_headers, m.${column} AS bytes, p.organisation_id
       FROM as2_outbound_messages m LEFT JOIN edi_partners p ON p.id = m.partner_id WHERE m.id = ?`,
    [id],
  );
  if (!r) return null;
  const name = safeName(r.message_id);
  if (!r.bytes) {
    throw new AppError('not_found', kind === 'raw' ? `AS2 message ${id} has not been built yet (it is wrapped at its first attempt)` : `AS2 message ${id} has no MDN yet`);
  }
  const bytes = asBytes(r.bytes);
  const sha256 = sha256Of(bytes);
  if (kind === 'payload') {
    if (sha256 !== r.payload_sha256) throw new AppError('unavailable', `the payload of AS2 message ${id} does not match the SHA-256 recorded when it was queued: it is not handed out`);
    return { bytes, contentType: r.content_type, fileName: r.filename, sha256, organisationId: r.organisation_id };
  }
  if (kind === 'raw') return { bytes, contentType: contentTypeOf(r.request_headers, 'application/octet-stream'), fileName: `${name}.as2`, sha256, organisationId: r.organisation_id };
  return { bytes, contentType: contentTypeOf(r.mdn_headers, 'multipart/report'), fileName: `${name}.mdn`, sha256, organisationId: r.organisation_id };
}

export async function readEdiBytes(ctx: FilesContext, actor: Actor, input: { id: string; kind: EdiByteKind }): Promise<EdiBytes> {
  operateEdiLog.require(actor);
  if (!(ediByteKinds as readonly string[]).includes(input.kind)) throw new AppError('not_found', `"${String(input.kind)}" is not a part of an AS2 message (raw, payload or mdn)`);
  const inboundFound = await inbound(ctx, input.id, input.kind);
  const found = inboundFound ?? (await outbound(ctx, input.id, input.kind));
  if (!found) throw new AppError('not_found', `the EDI message log has no message "${input.id}"`);
  await ctx.db.transaction((tx) =>
    recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: found.organisationId,
      action: 'edi.bytes_downloaded',
      entityType: entityTypes[inboundFound ? 'in' : 'out'],
      entityId: input.id,
      newValues: { part: input.kind, sha256: found.sha256, sizeBytes: found.bytes.byteLength, fileName: found.fileName },
      requestId: ctx.requestId,
    }),
  );
  const { organisationId: _, ...bytes } = found;
  return bytes;
}
