import { createHash } from 'node:crypto';
import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { lotScope } from './lot.ts';

export interface InspectionFile {
  name: string;
  contentType: string;
  sha256: string;
  bytes: Uint8Array;
}

/**
 * A file QA attached to its decision on a lot, for the lot's supplier and the manufacturer's
 * staff (the lot's own scope); anyone else, and a file of another lot, gets not_found. The
 * bytes are checked against the SHA-256 recorded at upload (and signed with the decision)
 * before they are handed out.
 */
export async function readInspectionFile(ctx: FilesContext, actor: Actor, lotId: string, fileId: string): Promise<InspectionFile> {
  const scope = lotScope(actor);
  const row = scope
    ? await ctx.db.get<{ original_name: string; content_type: string; sha256: string; storage_key: string }>(
        `SELECT f.original_name, f.content_type, f.sha256, f.storage_key
           FROM lots l JOIN lot_inspections li ON li.lot_id = l.id
           JOIN lot_inspection_files lf ON lf.inspection_id = li.id
           JOIN stored_files f ON f.id = lf.file_id
          WHERE l.id = ? AND f.id = ? AND ${scope.sql}`,
        [lotId, fileId, ...scope.args],
      )
    : undefined;
  if (!row) throw new AppError('not_found', 'no such file');
  let bytes: Uint8Array;
  try {
    bytes = await ctx.files.get(row.storage_key);
  } catch (e) {
    throw new AppError('unavailable', `the stored file ${fileId} of lot ${lotId} cannot be read: ${(e as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== row.sha256) throw new AppError('unavailable', `the stored file ${fileId} of lot ${lotId} does not match its recorded SHA-256: it is not handed out`);
  return { name: row.original_name, contentType: row.content_type, sha256, bytes };
}
