import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { readStoredFile, storedFileColumns, type FileDownload, type StoredFileRow } from '../files/read-stored-file.ts';
import { requireValidationReader } from './validation-permissions.ts';

export type ValidationFile = FileDownload;

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
    ? await ctx.db.get<StoredFileRow>(
        `SELECT ${storedFileColumns} FROM validation_reports r JOIN stored_files f ON f.id = r.${column}
          WHERE r.id = ? AND r.organisation_id = ?`,
        [reportId, actor.organisationId],
      )
    : undefined;
  if (!row) throw new AppError('not_found', 'no such validation report file');
  return readStoredFile(ctx.files, row, `the stored ${kind} of validation report ${reportId}`);
}
