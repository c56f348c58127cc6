/**
 * Where files live (certificate PDFs, AS2 bodies and payloads): one small interface, three
 * places behind it, chosen by configuration (`FILE_STORAGE`, see open-file-storage.ts):
 *  - the local folder `UPLOAD_DIR` (local-file-storage.ts, Node only);
 *  - an S3-compatible bucket over `fetch` (s3-file-storage.ts, Node and Workers);
 *  - an R2 binding on Workers (r2-file-storage.ts).
 * The database names a file by its key, relative to the folder or bucket
 * (`<organisation>/<file id>.pdf`, `as2/<yyyy-mm>/<message id>.raw`), never by a path, so the
 * same rows work whichever place holds the bytes. This module imports nothing Node-only but
 * `node:crypto`'s hash (which workerd offers with nodejs_compat).
 */
import { createHash } from 'node:crypto';

export interface StoredObject {
  key: string;
  sha256: string;
  sizeBytes: number;
}

export interface FileStorage {
  /** What it is, for logs and /healthz-style reports: `local folder /srv/uploads`, `s3 bucket lotbridge at https://…`. Never a secret. */
  readonly description: string;
  /**
   * Stores bytes, or a stream of chunks (read as they arrive: a large body is never held whole),
   * under `key`, replacing what was there. Refuses past `maxBytes` with FileTooLargeError and
   * keeps nothing of a refused or failed write. Returns the SHA-256 and size of what it stored.
   */
  put(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, options?: { maxBytes?: number }): Promise<StoredObject>;
  /** The bytes under `key` (only the first `length` when given); FileMissingError when there are none. */
  get(key: string, options?: { length?: number }): Promise<Uint8Array>;
  /**
   * The bytes under `key` as a stream of chunks, for files too large to hold (a 1 GiB AS2
   * body): FileMissingError, before any chunk, when there are none.
   */
  read(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** The size of what is under `key`, or null when there is nothing. */
  head(key: string): Promise<{ sizeBytes: number } | null>;
  /** Removes what is under `key`; nothing there is no error. */
  delete(key: string): Promise<void>;
}

/** Nothing is stored under the key (a file removed by hand, a bucket emptied, the wrong bucket configured). */
export class FileMissingError extends Error {
  readonly key: string;
  constructor(key: string, where: string) {
    super(`no stored file "${key}" in the ${where}`);
    this.name = 'FileMissingError';
    this.key = key;
  }
}

/** The body was larger than the limit the caller gave: nothing of it is kept. */
export class FileTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
    this.maxBytes = maxBytes;
  }
}

const segment = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * A key is relative names joined by "/": letters, digits, ".", "_" and "-", no segment empty,
 * starting with a dot ("..", hidden and temporary files) or longer than the whole may be. So no
 * key reaches outside its folder or bucket, in any of the three places.
 */
export function checkFileKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512 || !key.split('/').every((s) => segment.test(s))) {
    throw new Error(`storage key ${JSON.stringify(key)} is not a relative name of letters, digits, ".", "_" and "-" (no "..", no leading "/"): it could leave the folder or bucket, and is refused`);
  }
  return key;
}

export async function* chunksOf(body: Uint8Array | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  if (body instanceof Uint8Array) yield body;
  else yield* body;
}

/** A bucket's multipart upload, as S3 and R2 both offer it. */
export interface MultipartTarget {
  /** Stores a body that fits in one part. */
  whole(bytes: Uint8Array, sha256: string): Promise<void>;
  /** Starts an upload of several parts. */
  start(): Promise<{ part(partNumber: number, bytes: Uint8Array, sha256: string): Promise<void>; complete(): Promise<void>; abort(): Promise<void> }>;
}

/** Parts of 8 MiB (S3 wants at least 5 MiB for every part but the last). */
export const defaultPartBytes = 8 * 1024 * 1024;

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Sends a body to a bucket holding at most one part in memory: one PUT when it fits in a part,
 * else a multipart upload (aborted when the body fails or passes `maxBytes`).
 */
export async function putInParts(target: MultipartTarget, body: Uint8Array | AsyncIterable<Uint8Array>, maxBytes: number, partBytes: number): Promise<{ sha256: string; sizeBytes: number }> {
  if (body instanceof Uint8Array) {
    if (body.length > maxBytes) throw new FileTooLargeError(maxBytes);
    const sha256 = createHash('sha256').update(body).digest('hex');
    await target.whole(body, sha256);
    return { sha256, sizeBytes: body.length };
  }
  const hash = createHash('sha256');
  let sizeBytes = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let upload: Awaited<ReturnType<MultipartTarget['start']>> | undefined;
  let partNumber = 0;
  const flush = async () => {
    upload ??= await target.start();
    const part = concat(pending, pendingBytes);
    await upload.part(++partNumber, part, createHash('sha256').update(part).digest('hex'));
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const chunk of body) {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) throw new FileTooLargeError(maxBytes);
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= partBytes) await flush();
    }
    const sha256 = hash.digest('hex');
    if (!upload) {
      await target.whole(concat(pending, pendingBytes), sha256);
    } else {
      if (pendingBytes > 0) await flush();
      await upload.complete();
    }
    return { sha256, sizeBytes };
  } catch (e) {
    if (upload) await upload.abort().catch(() => undefined);
    throw e;
  }
}
