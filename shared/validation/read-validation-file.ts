import { createHash } from 'node:crypto';
import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { requireValidationReader } from './validation-permissions.ts';

export interface ValidationFile {
  name: string;
  contentType: string;
  sha256: string;
  bytes: Uint8Array;
}

/**
 * One file of an approved validation report (`json` or `pdf`), to the manufacturer's QA and
 * administrators of its organisation; anyone else gets not_found (a supplier or distributor)
 * or forbidden. The bytes are checked against the SHA-256 recorded and signed before they are
 * handed out.
 */
export async function readValidationFile(ctx: FilesContext, actor: Actor, reportId: string, kind: string): Promise<ValidationFile> {
  requireValidationReader(actor);
  const column = kind === 'json' ? 'json_file_id' : kind === 'pdf' ? 'pdf_file_id' : null;
  const row = column
    ? await ctx.db.get<{ original_name: string; content_type: string; sha256: string; storage_key: string }>(
        `SELECT f.original_name, f.content_type, f.sha256, f.storage_key FROM validation_reports r JOIN stored_files f ON f.id = r.${column}
          WHERE r.id = ? AND r.organisation_id = ?`,
        [reportId, actor.organisationId],
      )
    : undefined;
  if (!row) throw new AppError('not_found', 'no such validation report file');
  let bytes: Uint8Array;
  try {
    bytes = await ctx.files.get(row.storage_key);
  } catch (e) {
    throw new AppError('unavailable', `the stored file of validation report ${reportId} cannot be read: ${(e as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== row.sha256) throw new AppError('unavailable', `the stored ${kind} of validation report ${reportId} does not match its recorded SHA-256: it is not handed out`);
  return { name: row.original_name, contentType: row.content_type, sha256, bytes };
}
