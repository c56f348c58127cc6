/**
 * Where AS2 bytes live: `as2/<yyyy-mm>/<message id>.raw` (the request body as received;
 * removed again when its sender does not authenticate) and `.payload` (what unwrapping left),
 * in the file storage (the folder UPLOAD_DIR or the bucket: see files/file-storage.ts). The body
 * is streamed there chunk by chunk, hashed on the way, and stored durably before the database
 * names it: a 200 MB message is never held in memory by the transport.
 */
import { FileTooLargeError, type FileStorage } from '../../files/file-storage.ts';

export interface StoredBytes {
  /** The key in the file storage. */
  storageKey: string;
  sha256: string;
  sizeBytes: number;
}

/** The body was larger than AS2_MAX_MB: nothing of it is kept. */
export class BodyTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`the AS2 message is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB (AS2_MAX_MB)`);
    this.name = 'BodyTooLargeError';
    this.maxBytes = maxBytes;
  }
}

export function as2StorageKey(messageRowId: string, receivedAt: Date, kind: 'raw' | 'payload'): string {
  return `as2/${receivedAt.toISOString().slice(0, 7)}/${messageRowId}.${kind}`;
}

/** Stores a request body as it arrives, refusing past `maxBytes` (BodyTooLargeError). */
export async function storeAs2Body(files: FileStorage, storageKey: string, source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredBytes> {
  try {
    const stored = await files.put(storageKey, source, { maxBytes });
    return { storageKey, sha256: stored.sha256, sizeBytes: stored.sizeBytes };
  } catch (e) {
    if (e instanceof FileTooLargeError) throw new BodyTooLargeError(maxBytes);
    throw e;
  }
}
