/**
 * Files in an R2 bucket reached through its Workers binding (`env.FILES`, wired by the Worker
 * entry). The binding's type is written here as the few calls used, so shared/ needs no
 * `@cloudflare/workers-types`: the real `R2Bucket` satisfies it. A streamed body goes up in
 * parts (R2's multipart upload), one part in memory at a time; a whole body is checked by R2
 * against its SHA-256.
 */
import { checkFileKey, defaultPartBytes, FileMissingError, putInParts, type FileStorage, type StoredObject } from './file-storage.ts';

/** The parts of Workers' `R2Bucket` this storage calls. */
export interface R2BucketBinding {
  put(key: string, value: Uint8Array | ArrayBuffer, options?: { sha256?: string }): Promise<unknown>;
  get(key: string, options?: { range?: { offset: number; length?: number } }): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; body: ReadableStream<Uint8Array> } | null>;
  head(key: string): Promise<{ size: number } | null>;
  delete(keys: string | string[]): Promise<void>;
  createMultipartUpload(key: string): Promise<R2MultipartUploadBinding>;
}

export interface R2MultipartUploadBinding {
  uploadPart(partNumber: number, value: Uint8Array | ArrayBuffer): Promise<{ partNumber: number; etag: string }>;
  complete(uploadedParts: { partNumber: number; etag: string }[]): Promise<unknown>;
  abort(): Promise<void>;
}

export class R2FileStorage implements FileStorage {
  readonly description: string;
  private readonly bucket: R2BucketBinding;
  private readonly partBytes: number;

  constructor(bucket: R2BucketBinding, options: { name?: string; partBytes?: number } = {}) {
    this.bucket = bucket;
    this.description = `R2 bucket ${options.name ?? '(binding)'}`;
    this.partBytes = options.partBytes ?? defaultPartBytes;
  }

  async put(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, options: { maxBytes?: number } = {}): Promise<StoredObject> {
    checkFileKey(key);
    const stored = await putInParts(
      {
        whole: async (bytes, sha256) => {
          await this.bucket.put(key, bytes, { sha256 });
        },
        start: async () => {
          const upload = await this.bucket.createMultipartUpload(key);
          const parts: { partNumber: number; etag: string }[] = [];
          return {
            part: async (partNumber, bytes) => {
              parts.push(await upload.uploadPart(partNumber, bytes));
            },
            complete: async () => {
              await upload.complete(parts);
            },
            abort: () => upload.abort(),
          };
        },
      },
      body,
      options.maxBytes ?? Number.MAX_SAFE_INTEGER,
      this.partBytes,
    );
    return { key, ...stored };
  }

  async get(key: string, options: { length?: number } = {}): Promise<Uint8Array> {
    checkFileKey(key);
    let range: { offset: number; length: number } | undefined;
    if (options.length !== undefined) {
      // A range must lie within the object (an empty one has none): its size first.
      const size = (await this.bucket.head(key))?.size;
      if (size === undefined) throw new FileMissingError(key, this.description);
      range = { offset: 0, length: Math.min(options.length, size) };
      if (range.length === 0) return new Uint8Array(0);
    }
    const object = await this.bucket.get(key, range ? { range } : undefined);
    if (!object) throw new FileMissingError(key, this.description);
    return new Uint8Array(await object.arrayBuffer());
  }

  async read(key: string): Promise<AsyncIterable<Uint8Array>> {
    const object = await this.bucket.get(checkFileKey(key));
    if (!object) throw new FileMissingError(key, this.description);
    return object.body as unknown as AsyncIterable<Uint8Array>;
  }

  async head(key: string): Promise<{ sizeBytes: number } | null> {
    const object = await this.bucket.head(checkFileKey(key));
    return object ? { sizeBytes: object.size } : null;
  }

  async delete(key: string): Promise<void> {
    await this.bucket.delete(checkFileKey(key));
  }
}
