/**
 * Files in an S3-compatible bucket (AWS S3, Cloudflare R2's S3 API, MinIO, Ceph, …): requests
 * signed with SigV4 by `aws4fetch` over `fetch`, so it runs on Node and on workerd alike.
 * Path-style URLs (`<endpoint>/<bucket>/<key>`), which every S3-compatible service accepts.
 * A streamed body goes up in parts of 8 MiB (multipart upload): memory stays bounded.
 * The payload's SHA-256 is signed with each request, so the bucket refuses bytes changed on
 * the way. The secret key is held by the client only, never put in a message or a log.
 */
import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import { checkFileKey, chunksOf, defaultPartBytes, FileMissingError, putInParts, type FileStorage, type MultipartTarget, type StoredObject } from './file-storage.ts';

export interface S3Settings {
  /** http(s) origin of the S3 API, e.g. https://s3.eu-central-1.amazonaws.com or https://<account>.r2.cloudflarestorage.com */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** What S3 says in its XML error body (`<Code>NoSuchKey</Code>`). */
function s3Code(text: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export class S3FileStorage implements FileStorage {
  readonly description: string;
  private readonly client: AwsClient;
  private readonly base: string;
  private readonly partBytes: number;

  constructor(settings: S3Settings, options: { partBytes?: number } = {}) {
    const endpoint = settings.endpoint.replace(/\/+$/, '');
    this.base = `${endpoint}/${encodeURIComponent(settings.bucket)}`;
    this.description = `S3 bucket ${settings.bucket} at ${endpoint}`;
    this.partBytes = options.partBytes ?? defaultPartBytes;
    // Transient failures (5xx, 429) are retried a few times with backoff by aws4fetch.
    this.client = new AwsClient({ accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, region: settings.region, service: 's3', retries: 3 });
  }

  private url(key: string, query = ''): string {
    return `${this.base}/${checkFileKey(key).split('/').map(encodeURIComponent).join('/')}${query}`;
  }

  private async request(what: string, key: string, url: string, init: RequestInit): Promise<Response> {
    // Every request signs its body's SHA-256 (the parts give theirs): without one, aws4fetch
    // signs UNSIGNED-PAYLOAD and the part list that completes an upload could be changed on the way.
    const headers = new Headers(init.headers);
    if (!headers.has('x-amz-content-sha256')) {
      if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new Error(`${what} "${key}": a body other than text needs its SHA-256`);
      headers.set('x-amz-content-sha256', createHash('sha256').update(init.body ?? '').digest('hex'));
    }
    let response: Response;
    try {
      response = await this.client.fetch(url, { ...init, headers });
    } catch (e) {
      throw new Error(`${what} "${key}" in the ${this.description} failed: ${(e as Error).message}`, { cause: e });
    }
    // 404 (nothing there) is an answer the callers read.
    if (response.ok || response.status === 404) return response;
    const text = await response.text().catch(() => '');
    throw new Error(`${what} "${key}" in the ${this.description} failed: HTTP ${response.status}${s3Code(text) ? ` ${s3Code(text)}` : ''}`);
  }

  private target(key: string): MultipartTarget {
    const put = async (url: string, bytes: Uint8Array, sha256: string) => {
      const r = await this.request('storing', key, url, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer>, headers: { 'x-amz-content-sha256': sha256 } });
      if (!r.ok) throw new Error(`storing "${key}" in the ${this.description} failed: HTTP ${r.status} ${s3Code(await r.text()) ?? ''}`.trim());
      return r;
    };
    return {
      whole: async (bytes, sha256) => {
        await (await put(this.url(key), bytes, sha256)).body?.cancel();
      },
      start: async () => {
        const created = await this.request('starting the upload of', key, this.url(key, '?uploads'), { method: 'POST' });
        const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await created.text())?.[1];
        if (!created.ok || !uploadId) throw new Error(`starting the upload of "${key}" in the ${this.description} failed: HTTP ${created.status}, no UploadId`);
        const query = (extra = '') => `?${extra}uploadId=${encodeURIComponent(uploadId)}`;
        const etags: string[] = [];
        return {
          part: async (partNumber, bytes, sha256) => {
            const r = await put(this.url(key, query(`partNumber=${partNumber}&`)), bytes, sha256);
            const etag = r.headers.get('etag');
            await r.body?.cancel();
            if (!etag) throw new Error(`storing part ${partNumber} of "${key}" in the ${this.description} failed: HTTP ${r.status}`);
            etags[partNumber - 1] = etag;
          },
          complete: async () => {
            const body = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
            const r = await this.request('completing the upload of', key, this.url(key, query()), { method: 'POST', body, headers: { 'content-type': 'application/xml' } });
            // S3 can answer 200 with an error in the body when completing takes long.
            const text = await r.text();
            if (!r.ok || s3Code(text)) throw new Error(`completing the upload of "${key}" in the ${this.description} failed: HTTP ${r.status} ${s3Code(text) ?? ''}`.trim());
          },
          abort: async () => {
            await this.request('aborting the upload of', key, this.url(key, query()), { method: 'DELETE' });
          },
        };
      },
    };
  }

  async put(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, options: { maxBytes?: number } = {}): Promise<StoredObject> {
    checkFileKey(key);
    const stored = await putInParts(this.target(key), body, options.maxBytes ?? Number.MAX_SAFE_INTEGER, this.partBytes);
    return { key, ...stored };
  }

  async get(key: string, options: { length?: number } = {}): Promise<Uint8Array> {
    let headers: Record<string, string> = {};
    if (options.length !== undefined) {
      // A range must lie within the object (an empty one has none): its size first.
      const size = (await this.head(key))?.sizeBytes;
      if (size === undefined) throw new FileMissingError(key, this.description);
      const length = Math.min(options.length, size);
      if (length === 0) return new Uint8Array(0);
      headers = { range: `bytes=0-${length - 1}` };
    }
    const r = await this.request('reading', key, this.url(key), { method: 'GET', headers });
    if (r.status === 404) {
      if (s3Code(await r.text()) === 'NoSuchBucket') throw new Error(`reading "${key}" failed: the ${this.description} does not exist`);
      throw new FileMissingError(key, this.description);
    }
    const bytes = new Uint8Array(await r.arrayBuffer());
    // A server that ignores Range sends everything: keep what was asked for.
    return options.length === undefined ? bytes : bytes.subarray(0, options.length);
  }

  async read(key: string): Promise<AsyncIterable<Uint8Array>> {
    const r = await this.request('reading', key, this.url(key), { method: 'GET' });
    if (r.status === 404) {
      if (s3Code(await r.text()) === 'NoSuchBucket') throw new Error(`reading "${key}" failed: the ${this.description} does not exist`);
      throw new FileMissingError(key, this.description);
    }
    // Node's and workerd's ReadableStream are async iterables.
    return r.body ? (r.body as unknown as AsyncIterable<Uint8Array>) : chunksOf(new Uint8Array(0));
  }

  async head(key: string): Promise<{ sizeBytes: number } | null> {
    const r = await this.request('looking up', key, this.url(key), { method: 'HEAD' });
    if (r.status === 404) return null;
    return { sizeBytes: Number(r.headers.get('content-length') ?? '0') };
  }

  async delete(key: string): Promise<void> {
    const r = await this.request('removing', key, this.url(key), { method: 'DELETE' });
    await r.body?.cancel();
  }
}
