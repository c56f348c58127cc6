import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { readStoredFile, storedFileColumns, type FileDownload, type StoredFileRow } from '../files/read-stored-file.ts';
import { readScars, scarScope } from './scar-record.ts';

/**
 * One evidence file's bytes for download (a PDF, PNG, JPEG or CSV, its content type as judged at
 * upload): manufacturer staff and the SCAR's supplier only (anyone else: not_found). The bytes
 * are checked against the SHA-256 recorded at upload.
 */
export async function readScarEvidence(ctx: FilesContext, actor: Actor, input: { scarId: string; evidenceId: string }): Promise<FileDownload> {
  readScars.require(actor);
  const scope = scarScope(actor);
  const row = await ctx.db.get<StoredFileRow>(
    `SELECT ${storedFileColumns}
       FROM scar_evidence e JOIN scars s ON s.id = e.scar_id JOIN stored_files f ON f.id = e.file_id
      WHERE e.id = ? AND e.scar_id = ? AND ${scope.sql}`,
    [input.evidenceId, input.scarId, ...scope.args],
  );
  if (!row) throw new AppError('not_found', 'no such evidence');
  return readStoredFile(ctx.files, row, `the stored evidence ${input.evidenceId}`);
}
