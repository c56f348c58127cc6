import { createHash } from 'node:crypto';
import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { certificateScope } from './certificate.ts';

export interface CertificateFile {
  name: string;
  contentType: string;
  sha256: string;
  bytes: Uint8Array;
}

/**
 * The PDF of a certificate version, for the supplier that submitted it and the
 * manufacturer's staff; anyone else gets not_found. The bytes are checked against the
 * SHA-256 recorded at upload (and signed with the version) before they are handed out.
 */
export async function readCertificateFile(ctx: FilesContext, actor: Actor, certificateId: string): Promise<CertificateFile> {
  const scope = certificateScope(actor);
  const row = scope
    ? await ctx.db.get<{ original_name: string; content_type: string; sha256: string; storage_key: string }>(
        `SELECT f.original_name, f.content_type, f.sha256, f.storage_key
           FROM certificates c JOIN stored_files f ON f.id = c.file_id
          WHERE c.id = ? AND ${scope.sql}`,
        [certificateId, ...scope.args],
      )
    : undefined;
  if (!row) throw new AppError('not_found', 'no such certificate');
  let bytes: Uint8Array;
  try {
    bytes = await ctx.files.get(row.storage_key);
  } catch (e) {
    throw new AppError('unavailable', `the stored file of certificate ${certificateId} cannot be read: ${(e as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== row.sha256) {
    throw new AppError('unavailable', `the stored file of certificate ${certificateId} does not match its recorded SHA-256: it is not handed out`);
  }
  return { name: row.original_name, contentType: row.content_type, sha256, bytes };
}
