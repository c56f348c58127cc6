import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { readStoredFile, storedFileColumns, type FileDownload, type StoredFileRow } from '../files/read-stored-file.ts';
import { lotScope } from './lot.ts';

export type InspectionFile = FileDownload;

/**
 * A file QA attached to its decision on a lot, for the lot's supplier and the manufacturer's
 * staff (the lot's own scope); anyone else, and a file of another lot, gets not_found. The
 * bytes are checked against the SHA-256 recorded at upload (and signed with the decision)
 * before they are handed out.
 */
export async function readInspectionFile(ctx: FilesContext, actor: Actor, lotId: string, fileId: string): Promise<InspectionFile> {
  const scope = lotScope(actor);
  const row = scope
    ? await ctx.db.get<StoredFileRow>(
        `SELECT ${storedFileColumns}
           FROM lots l JOIN lot_inspections li ON li.lot_id = l.id
           JOIN lot_inspection_files lf ON lf.inspection_id = li.id
           JOIN stored_files f ON f.id = lf.file_id
          WHERE l.id = ? AND f.id = ? AND ${scope.sql}`,
        [lotId, fileId, ...scope.args],
      )
    : undefined;
  if (!row) throw new AppError('not_found', 'no such file');
  return readStoredFile(ctx.files, row, `the stored file ${fileId} of lot ${lotId}`);
}
