import { firstFormulaCell } from './csv-records.ts';
import { createHash } from 'node:crypto';
import { ParseSpeeds, PDFDocument } from 'pdf-lib';
import type { FilesContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { asAuditActor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal, type Problem } from '../errors.ts';
import { newId } from '../ids.ts';

/** How large an upload may be (`UPLOAD_MAX_MB`). */
export interface UploadLimits {
  maxBytes: number;
}

/** A file as the transport received it. */
export interface Upload {
  name: string;
  bytes: Uint8Array;
}

/** An upload that passed every check, ready to be stored. */
export interface CheckedUpload {
  readonly checked: true;
  name: string;
  bytes: Uint8Array;
  sha256: string;
  sizeBytes: number;
  contentType: StoredContentType;
}

/**
 * What Lotbridge stores, judged by content: PDFs (certificates, reports), photos and measurement
 * tables; a validation report's JSON (shared/validation/check-report.ts).
 */
export type StoredContentType = 'application/pdf' | 'image/png' | 'image/jpeg' | 'text/csv' | 'application/json';
const extensionOf: Record<StoredContentType, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg', 'text/csv': 'csv', 'application/json': 'json' };

export interface StoredFile {
  id: string;
  organisationId: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  originalName: string;
  storageKey: string;
  uploadedBy: string;
  uploadedAt: string;
}


const maxNameLength = 120;

/**
 * The user's file name without folders, control or direction-changing characters, at most
 * 120 characters (the extension kept); "certificate.pdf" when nothing is left.
 */
export function sanitiseFilename(raw: string): string {
  let name = raw.normalize('NFC');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (!name) return 'certificate.pdf';
  const chars = [...name];
  if (chars.length <= maxNameLength) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  const extChars = [...ext];
  return chars.slice(0, chars.length - extChars.length).slice(0, maxNameLength - extChars.length).join('').trimEnd() + ext;
}

/** Refuses the upload: the `file` problem as data (`files.notPdf`, …), the English message for logs. */
function refuse(file: Problem, message: string): never {
  throw refusal('invalid_input', message, { file });
}

const latin1 = new TextDecoder('latin1');

/**
 * Checks that an upload is a real PDF by its content, not its name or the browser's content
 * type: within the size limit, starting with `%PDF-`, ending with `%%EOF` (in the last 1 KiB,
 * where readers look for it), and readable by pdf-lib with at least one page. Computes its
 * SHA-256. Refusals are AppErrors `invalid_input` with a `file` problem (`files.*`).
 */
export async function checkUpload(limits: UploadLimits, upload: Upload | null | undefined): Promise<CheckedUpload> {
  if (!upload || (upload.bytes.length === 0 && !upload.name)) refuse(problem('files.missing'), 'no file was uploaded');
  const { bytes } = upload;
  if (bytes.length === 0) refuse(problem('files.empty'), 'the uploaded file is empty');
  if (bytes.length > limits.maxBytes) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
    refuse(problem('files.tooLarge', { max: mb(limits.maxBytes) }), `the file is ${mb(bytes.length)} MB; the limit is ${mb(limits.maxBytes)} MB`);
  }
  if (latin1.decode(bytes.subarray(0, 5)) !== '%PDF-') refuse(problem('files.notPdf'), 'the file is not a PDF (it does not start with %PDF-)');
  if (!latin1.decode(bytes.subarray(Math.max(0, bytes.length - 1024))).includes('%%EOF')) refuse(problem('files.truncated'), 'the PDF has no %%EOF marker at its end: it is incomplete');
  try {
    const pdf = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, parseSpeed: ParseSpeeds.Fast });
    if (pdf.getPageCount() < 1) throw new Error('no pages');
  } catch (e) {
    refuse(problem('files.unreadable'), `the PDF could not be read: ${(e as Error).message}`);
  }
  return {
    checked: true,
    name: sanitiseFilename(upload.name),
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    contentType: 'application/pdf',
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A table of measurements as text: UTF-8 without control characters other than tab and line ends. */
function isText(bytes: Uint8Array): boolean {
  try {
    // eslint-disable-next-line no-control-regex
    return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(utf8.decode(bytes));
  } catch {
    return false;
  }
}

/** A PDF (checkUpload), PNG, JPEG or CSV by content; anything else refused as `files.notAttachment`. */
async function checkAttachmentContent(limits: UploadLimits, upload: Upload): Promise<CheckedUpload> {
  const { bytes } = upload;
  if (latin1.decode(bytes.subarray(0, 5)) === '%PDF-' || bytes.length === 0 || bytes.length > limits.maxBytes) return checkUpload(limits, upload);
  const starts = (...magic: number[]) => magic.every((b, i) => bytes[i] === b);
  const contentType: StoredContentType | null = starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)
    ? 'image/png'
    : starts(0xff, 0xd8, 0xff)
      ? 'image/jpeg'
      : isText(bytes)
        ? 'text/csv'
        : null;
  if (!contentType) refuse(problem('files.notAttachment'), 'the file is neither a PDF, a PNG or JPEG photo nor a CSV table');
  // The bytes are kept as uploaded (they are hashed and signed over): a cell a spreadsheet would
  // run as a formula on the reader's machine is refused instead of rewritten.
  const formula = contentType === 'text/csv' ? firstFormulaCell(utf8.decode(bytes)) : null;
  if (formula) refuse(problem('files.csvFormula', formula), `row ${formula.row}, column ${formula.column} of the CSV would run as a spreadsheet formula`);
  return { checked: true, name: sanitiseFilename(upload.name), bytes, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, contentType };
}

/** The name endings that agree with each kind of attachment (the first is the one to suggest). */
const attachmentEndings: Partial<Record<StoredContentType, readonly string[]>> = {
  'application/pdf': ['.pdf'],
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'text/csv': ['.csv'],
};

/**
 * Checks an attachment by its content, not its name or the browser's content type: a PDF (as
 * `checkUpload`), a PNG or JPEG photo, or a CSV table of measurements (UTF-8 text); within the
 * size limit. Its name must then end as its content says (`.pdf`, `.png`, `.jpg`/`.jpeg`, `.csv`),
 * so whoever downloads it opens what it is: a text file named `.html` or a photo named `.pdf` is
 * refused. Refusals as `checkUpload`'s (`files.*` on `file`; `files.notAttachment` for any other
 * kind of file, `files.nameMismatch` with the ending to use).
 */
export async function checkAttachment(limits: UploadLimits, upload: Upload): Promise<CheckedUpload> {
  const checked = await checkAttachmentContent(limits, upload);
  const endings = attachmentEndings[checked.contentType]!;
  if (!endings.some((ending) => checked.name.toLowerCase().endsWith(ending))) {
    refuse(problem('files.nameMismatch', { ending: endings[0]! }), `the file's name "${checked.name}" does not end in ${endings.join(' or ')}, as its content (${checked.contentType}) says it should`);
  }
  return checked;
}

/**
 * Stores an uploaded PDF for the caller's organisation: checks it (see `checkUpload`, skipped
 * when given an upload that already passed), stores it as `<organisation>/<file>.pdf` in the
 * file storage (the folder UPLOAD_DIR or the bucket: see file-storage.ts), outside the
 * database, then in one transaction records it in `stored_files`, audits it and runs `andThen` (the record the file belongs to). If that transaction fails the file is
 * removed again, so a stored file always has its row.
 */
export async function storeUpload<T>(
  ctx: FilesContext,
  actor: Actor,
  limits: UploadLimits,
  upload: Upload | CheckedUpload,
  andThen: (tx: Tx, file: StoredFile) => Promise<T>,
): Promise<{ file: StoredFile; result: T }> {
  const checked = 'checked' in upload ? upload : await checkUpload(limits, upload);
  const { files, result } = await storeUploads(ctx, actor, [checked], (tx, [file]) => andThen(tx, file!));
  return { file: files[0]!, result };
}

/**
 * Stores several checked files the way storeUpload stores one: into the file storage, then their
 * rows, audit entries and `andThen` in ONE transaction: all of them or none (the files are
 * removed again when the transaction fails).
 */
export async function storeUploads<T>(
  ctx: FilesContext,
  actor: Actor,
  uploads: CheckedUpload[],
  andThen: (tx: Tx, files: StoredFile[]) => Promise<T>,
): Promise<{ files: StoredFile[]; result: T }> {
  const files = await putFiles(ctx, actor, uploads);
  try {
    const result = await ctx.db.transaction(async (tx) => {
      for (const file of files) await recordStoredFile(tx, ctx, actor, file);
      return andThen(tx, files);
    });
    return { files, result };
  } catch (e) {
    await removeFiles(ctx, files);
    throw e;
  }
}

/**
 * The first half of storing checked uploads: each put into the file storage as
 * `<organisation>/<file>.<ext>`, outside the database. The caller records each with
 * `recordStoredFile` in its transaction and calls `removeFiles` if that transaction fails.
 */
export async function putFiles(ctx: FilesContext, actor: Actor, uploads: CheckedUpload[]): Promise<StoredFile[]> {
  const stored: StoredFile[] = [];
  try {
    for (const checked of uploads) {
      const id = newId('fil');
      const file: StoredFile = {
        id,
        organisationId: actor.organisationId,
        sha256: checked.sha256,
        sizeBytes: checked.sizeBytes,
        contentType: checked.contentType,
        originalName: checked.name,
        storageKey: `${actor.organisationId}/${id}.${extensionOf[checked.contentType]}`,
        uploadedBy: actor.userId,
        uploadedAt: ctx.clock.now().toISOString(),
      };
      await ctx.files.put(file.storageKey, checked.bytes);
      stored.push(file);
    }
  } catch (e) {
    await removeFiles(ctx, stored);
    throw e;
  }
  return stored;
}

/** Files put by `putFiles` whose records were not committed: removed again, so a stored file always has its row. */
export async function removeFiles(ctx: FilesContext, files: StoredFile[]): Promise<void> {
  for (const file of files) await ctx.files.delete(file.storageKey).catch(() => undefined);
}

/** A put file's row in `stored_files` and its audit entry, in the caller's transaction. */
export async function recordStoredFile(tx: Tx, ctx: FilesContext, actor: Actor, file: StoredFile): Promise<void> {
  await tx.run(
    `INSERT INTO stored_files (id, organisation_id, sha256, size_bytes, content_type, original_name, storage_key, uploaded_by, uploaded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [file.id, file.organisationId, file.sha256, file.sizeBytes, file.contentType, file.originalName, file.storageKey, file.uploadedBy, file.uploadedAt],
  );
  await recordAudit(tx, ctx.clock, {
    actor: asAuditActor(actor),
    organisationId: file.organisationId,
    action: 'file.stored',
    entityType: 'stored_file',
    entityId: file.id,
    newValues: { name: file.originalName, sha256: file.sha256, sizeBytes: file.sizeBytes, contentType: file.contentType },
    requestId: ctx.requestId,
  });
}
