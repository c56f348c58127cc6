import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { FileStorage } from './file-storage.ts';

/** The columns of `stored_files` (aliased `f`) a reader selects to hand a file out. */
export const storedFileColumns = 'f.original_name, f.content_type, f.sha256, f.storage_key';

/** A `stored_files` row as `storedFileColumns` selects it. */
export interface StoredFileRow {
  original_name: string;
  content_type: string;
  sha256: string;
  storage_key: string;
}

/** A stored file ready to be handed out (portal/lib/server/file-response.ts, the REST API). */
export interface FileDownload {
  name: string;
  contentType: string;
  sha256: string;
  bytes: Uint8Array;
}

/**
 * The bytes of a stored file the caller's scoped query found, checked against the SHA-256
 * recorded at upload before they are handed out: a file that cannot be read, or no longer
 * matches, is `unavailable` (`what` names it in the message for the logs).
 */
export async function readStoredFile(files: FileStorage, row: StoredFileRow, what: string): Promise<FileDownload> {
  let bytes: Uint8Array;
  try {
    bytes = await files.get(row.storage_key);
  } catch (e) {
    throw new AppError('unavailable', `${what} cannot be read: ${(e as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== row.sha256) throw new AppError('unavailable', `${what} does not match its recorded SHA-256: it is not handed out`);
  return { name: row.original_name, contentType: row.content_type, sha256, bytes };
}
