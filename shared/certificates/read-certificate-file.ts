import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { readStoredFile, storedFileColumns, type FileDownload, type StoredFileRow } from '../files/read-stored-file.ts';
import { certificateScope } from './certificate.ts';

export type CertificateFile = FileDownload;

/**
 * The PDF of a certificate version, for the supplier that submitted it and the
 * manufacturer's staff; anyone else gets not_found. The bytes are checked against the
 * SHA-256 recorded at upload (and signed with the version) before they are handed out.
 */
export async function readCertificateFile(ctx: FilesContext, actor: Actor, certificateId: string): Promise<CertificateFile> {
  const scope = certificateScope(actor);
  const row = scope
    ? await ctx.db.get<StoredFileRow>(
        `SELECT ${storedFileColumns}
           FROM certificates c JOIN stored_files f ON f.id = c.file_id
          WHERE c.id = ? AND ${scope.sql}`,
        [certificateId, ...scope.args],
      )
    : undefined;
  if (!row) throw new AppError('not_found', 'no such certificate');
  return readStoredFile(ctx.files, row, `the stored file of certificate ${certificateId}`);
}
