/**
 * Where AS2 bytes live: `UPLOAD_DIR/as2/<yyyy-mm>/<message id>.raw` (the request body as
 * received; removed again when its sender does not authenticate) and `.payload` (what
 * unwrapping left). The body is streamed to disk chunk by chunk,
 * hashed on the way, and flushed before the database names it: a 200 MB message is never held
 * in memory by the transport.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { storedFilePath } from '../../files/store-upload.ts';

export interface StoredBytes {
  /** Relative to UPLOAD_DIR. */
  storageKey: string;
  path: string;
  sha256: string;
  sizeBytes: number;
}

/** The body was larger than AS2_MAX_MB: the partial file is already removed. */
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

// Folders made by this process (one per month): mkdir per message showed in the profile.
const madeFolders = new Set<string>();

async function ensureFolder(folder: string): Promise<void> {
  if (madeFolders.has(folder)) return;
  await mkdir(folder, { recursive: true, mode: 0o700 });
  madeFolders.add(folder);
}

/** Writes chunks as they arrive, refusing past `maxBytes`; fsyncs before returning. */
export async function streamToFile(uploadDir: string, storageKey: string, source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredBytes> {
  const path = storedFilePath({ dir: uploadDir }, storageKey);
  await ensureFolder(dirname(path));
  const handle = await open(path, 'wx', 0o600).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
    // The folder went away under us (an operator moved old months): make it again.
    madeFolders.delete(dirname(path));
    await ensureFolder(dirname(path));
    return open(path, 'wx', 0o600);
  });
  const hash = createHash('sha256');
  let sizeBytes = 0;
  try {
    for await (const chunk of source) {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) throw new BodyTooLargeError(maxBytes);
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(path, { force: true });
    throw e;
  }
  await handle.close();
  return { storageKey, path, sha256: hash.digest('hex'), sizeBytes };
}

export async function writeBytesFile(uploadDir: string, storageKey: string, bytes: Uint8Array): Promise<StoredBytes> {
  async function* once() {
    yield bytes;
  }
  return streamToFile(uploadDir, storageKey, once(), Number.MAX_SAFE_INTEGER);
}

export async function removeStoredBytes(uploadDir: string, storageKey: string): Promise<void> {
  await rm(storedFilePath({ dir: uploadDir }, storageKey), { force: true });
}
