import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../../tests/support/http-receiver.ts';
import { startS3, type TestBucket } from '../../tests/support/s3.ts';
import { tempDir } from '../../tests/support/server.ts';
import { checkFileKey, FileMissingError, FileTooLargeError, putInParts, type FileStorage, type MultipartTarget } from './file-storage.ts';
import { LocalFileStorage } from './local-file-storage.ts';
import { openBucketStorage } from './open-bucket-storage.ts';
import { openFileStorage } from './open-file-storage.ts';
import { R2FileStorage, type R2BucketBinding } from './r2-file-storage.ts';
import { S3FileStorage } from './s3-file-storage.ts';

const MiB = 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** `total` bytes of a repeating pattern, yielded in chunks of `chunk` as a request body arrives. */
function pattern(total: number): Uint8Array {
  const out = new Uint8Array(total);
  for (let i = 0; i < total; i++) out[i] = (i * 31 + (i >> 12)) & 0xff;
  return out;
}
async function* chunked(bytes: Uint8Array, chunk = 64 * 1024): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
}

const badKeys = ['', '../etc/passwd', 'org/../../etc/passwd', '/etc/passwd', 'a//b', 'a/./b', '.hidden', 'org/.x.part', 'a\\b', 'a b', 'a/b/', 'ä.pdf', 'x'.repeat(513)];

/** What every implementation must do, run against each of the three. */
function behavesAsFileStorage(name: string, open: () => FileStorage) {
  describe(`${name}: the file storage contract`, () => {
    let files: FileStorage;
    beforeAll(() => {
      files = open();
    });

    it('stores bytes under a key and gives the same bytes back, with their SHA-256 and size', async () => {
      const bytes = new TextEncoder().encode('%PDF-1.7 a certificate\n%%EOF');
      const stored = await files.put('org_a/fil_b.pdf', bytes);
      expect(stored).toEqual({ key: 'org_a/fil_b.pdf', sha256: sha256(bytes), sizeBytes: bytes.length });
      expect(await files.get('org_a/fil_b.pdf')).toEqual(bytes);
      expect(await files.head('org_a/fil_b.pdf')).toEqual({ sizeBytes: bytes.length });
    });

    it('replaces what was under the key', async () => {
      await files.put('org_a/replaced.pdf', new Uint8Array([1, 2, 3]));
      await files.put('org_a/replaced.pdf', new Uint8Array([4, 5]));
      expect(await files.get('org_a/replaced.pdf')).toEqual(new Uint8Array([4, 5]));
    });

    it('stores a streamed body larger than several parts, byte for byte', async () => {
      const bytes = pattern(11 * MiB + 123);
      const stored = await files.put('as2/2026-12/as2m_big.raw', chunked(bytes), { maxBytes: 12 * MiB });
      expect(stored).toEqual({ key: 'as2/2026-12/as2m_big.raw', sha256: sha256(bytes), sizeBytes: bytes.length });
      expect(sha256(await files.get('as2/2026-12/as2m_big.raw'))).toBe(sha256(bytes));
      expect(await files.head('as2/2026-12/as2m_big.raw')).toEqual({ sizeBytes: bytes.length });
    });

    it('reads a stored file back as a stream of chunks, byte for byte, and refuses a missing key before any chunk', async () => {
      const bytes = pattern(3 * MiB + 7);
      await files.put('as2/2026-12/as2m_read.payload', chunked(bytes));
      const chunks: Uint8Array[] = [];
      for await (const chunk of await files.read('as2/2026-12/as2m_read.payload')) chunks.push(new Uint8Array(chunk));
      expect(chunks.length).toBeGreaterThan(1);
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
      await files.put('as2/2026-12/empty-read.raw', new Uint8Array(0));
      let emptyBytes = 0;
      for await (const chunk of await files.read('as2/2026-12/empty-read.raw')) emptyBytes += chunk.length;
      expect(emptyBytes).toBe(0);
      await expect(files.read('as2/2026-12/none.raw')).rejects.toBeInstanceOf(FileMissingError);
    });

    it('stores an empty body', async () => {
      expect(await files.put('as2/2026-12/empty.raw', chunked(new Uint8Array(0)))).toMatchObject({ sizeBytes: 0, sha256: sha256(new Uint8Array(0)) });
      expect(await files.get('as2/2026-12/empty.raw')).toEqual(new Uint8Array(0));
      expect(await files.get('as2/2026-12/empty.raw', { length: 4096 })).toEqual(new Uint8Array(0));
    });

    it('refuses a body past maxBytes and keeps nothing of it, whether it fits one part or needed several', async () => {
      await expect(files.put('as2/2026-12/small.raw', chunked(pattern(3000), 1000), { maxBytes: 2500 })).rejects.toBeInstanceOf(FileTooLargeError);
      expect(await files.head('as2/2026-12/small.raw')).toBeNull();
      await expect(files.put('as2/2026-12/large.raw', chunked(pattern(12 * MiB)), { maxBytes: 11 * MiB })).rejects.toBeInstanceOf(FileTooLargeError);
      expect(await files.head('as2/2026-12/large.raw')).toBeNull();
      await expect(files.put('org_a/whole.pdf', pattern(10), { maxBytes: 9 })).rejects.toBeInstanceOf(FileTooLargeError);
      expect(await files.head('org_a/whole.pdf')).toBeNull();
    });

    it('reads only the first bytes when asked (all of a shorter file)', async () => {
      await files.put('as2/2026-12/head.raw', pattern(10_000));
      expect(await files.get('as2/2026-12/head.raw', { length: 4096 })).toEqual(pattern(10_000).subarray(0, 4096));
      await files.put('as2/2026-12/short.raw', pattern(100));
      expect(await files.get('as2/2026-12/short.raw', { length: 4096 })).toEqual(pattern(100));
    });

    it('says clearly that a key has no file: get refuses with the key and the place, head is null, delete is no error', async () => {
      const missing = await files.get('org_a/fil_missing.pdf').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(FileMissingError);
      expect((missing as Error).message).toBe(`no stored file "org_a/fil_missing.pdf" in the ${files.description}`);
      await expect(files.get('org_a/fil_missing.pdf', { length: 10 })).rejects.toBeInstanceOf(FileMissingError);
      expect(await files.head('org_a/fil_missing.pdf')).toBeNull();
      await files.delete('org_a/fil_missing.pdf');
    });

    it('deletes', async () => {
      await files.put('org_a/gone.pdf', new Uint8Array([1]));
      await files.delete('org_a/gone.pdf');
      expect(await files.head('org_a/gone.pdf')).toBeNull();
      await expect(files.get('org_a/gone.pdf')).rejects.toBeInstanceOf(FileMissingError);
    });

    it('refuses every key that could leave its folder or bucket, before touching anything', async () => {
      for (const key of badKeys) {
        await expect(files.put(key, new Uint8Array([1])), key).rejects.toThrow(/is refused/);
        await expect(files.get(key), key).rejects.toThrow(/is refused/);
        await expect(files.head(key), key).rejects.toThrow(/is refused/);
        await expect(files.delete(key), key).rejects.toThrow(/is refused/);
      }
    });
  });
}

describe('checkFileKey', () => {
  it('takes the keys Lotbridge writes and refuses the rest', () => {
    for (const key of ['org_01JXYZ/fil_ABC.pdf', 'as2/2026-12/as2m_0123456789abcdefghij.raw', 'as2/2026-12/as2m_x.payload']) expect(checkFileKey(key)).toBe(key);
    for (const key of badKeys) expect(() => checkFileKey(key), key).toThrow(/could leave the folder or bucket, and is refused/);
  });
});

describe('putInParts', () => {
  /** Records what a bucket would receive. */
  function recording() {
    const calls: string[] = [];
    const target: MultipartTarget = {
      whole: async (bytes) => void calls.push(`whole ${bytes.length}`),
      start: async () => {
        calls.push('start');
        return {
          part: async (n, bytes, hash) => void calls.push(`part ${n} ${bytes.length} ${hash === sha256(bytes)}`),
          complete: async () => void calls.push('complete'),
          abort: async () => void calls.push('abort'),
        };
      },
    };
    return { calls, target };
  }

  it('sends a body that fits one part in one request, a longer one in parts of the part size (one in memory at a time)', async () => {
    const small = recording();
    expect(await putInParts(small.target, chunked(pattern(5000), 1000), 10_000, 4096)).toEqual({ sha256: sha256(pattern(5000)), sizeBytes: 5000 });
    expect(small.calls).toEqual(['start', 'part 1 5000 true', 'complete']);
    const one = recording();
    await putInParts(one.target, chunked(pattern(3000), 1000), 10_000, 4096);
    expect(one.calls).toEqual(['whole 3000']);
    const many = recording();
    await putInParts(many.target, chunked(pattern(10_000), 1024), 10_000, 4096);
    expect(many.calls).toEqual(['start', 'part 1 4096 true', 'part 2 4096 true', 'part 3 1808 true', 'complete']);
  });

  it('aborts the upload when the body passes the limit or fails', async () => {
    const large = recording();
    await expect(putInParts(large.target, chunked(pattern(10_000), 1024), 9000, 4096)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(large.calls).toEqual(['start', 'part 1 4096 true', 'part 2 4096 true', 'abort']);
    const failing = recording();
    async function* broken() {
      yield pattern(5000);
      throw new Error('the client went away');
    }
    await expect(putInParts(failing.target, broken(), 10_000, 4096)).rejects.toThrow('the client went away');
    expect(failing.calls).toEqual(['start', 'part 1 5000 true', 'abort']);
  });
});

describe('local folder', () => {
  const folder = tempDir('lotbridge-files-');
  afterAll(() => folder.remove());
  behavesAsFileStorage('local folder', () => new LocalFileStorage(folder.dir));

  it('keeps today\'s layout: the key is the path below UPLOAD_DIR, files 0600 in folders 0700, no temporary files left', async () => {
    const files = new LocalFileStorage(folder.dir);
    await files.put('org_layout/fil_1.pdf', new Uint8Array([1, 2]));
    expect(readFileSync(join(folder.dir, 'org_layout', 'fil_1.pdf'))).toEqual(Buffer.from([1, 2]));
    expect(statSync(join(folder.dir, 'org_layout', 'fil_1.pdf')).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder.dir, 'org_layout')).mode & 0o777).toBe(0o700);
    await expect(files.put('org_layout/fil_2.pdf', chunked(pattern(3000), 1000), { maxBytes: 2000 })).rejects.toBeInstanceOf(FileTooLargeError);
    expect(readdirSync(join(folder.dir, 'org_layout'))).toEqual(['fil_1.pdf']);
  });

  it('reads files stored before the storage interface existed (rows hold the same relative keys)', async () => {
    mkdirSync(join(folder.dir, 'org_before', 'as2', '2026-01'), { recursive: true });
    writeFileSync(join(folder.dir, 'org_before', 'fil_old.pdf'), 'an old certificate');
    expect(new TextDecoder().decode(await new LocalFileStorage(folder.dir).get('org_before/fil_old.pdf'))).toBe('an old certificate');
  });

  it('makes a month\'s folder again when it was moved away while running', async () => {
    const files = new LocalFileStorage(folder.dir);
    await files.put('as2/2026-11/as2m_a.raw', new Uint8Array([1]));
    rmSync(join(folder.dir, 'as2', '2026-11'), { recursive: true });
    await files.put('as2/2026-11/as2m_b.raw', new Uint8Array([2]));
    expect(await files.get('as2/2026-11/as2m_b.raw')).toEqual(new Uint8Array([2]));
  });
});

describe('S3-compatible bucket (s3rver on loopback)', () => {
  let bucket: TestBucket;
  beforeAll(async () => {
    bucket = await startS3();
  });
  afterAll(() => bucket?.stop());
  // Parts of 5 MiB, S3's smallest: the 11 MiB body goes up in three.
  behavesAsFileStorage('S3 bucket', () => new S3FileStorage(bucket.settings, { partBytes: 5 * MiB }));

  it('keeps the objects under the keys themselves', async () => {
    const files = new S3FileStorage(bucket.settings);
    await files.put('org_keys/fil_1.pdf', new Uint8Array([1]));
    expect(bucket.keys()).toContain('org_keys/fil_1.pdf');
  });

  // s3rver checks the access key id (not the SigV4 signature itself): a wrong key id is the refusal it can give.
  it('refuses with a clear message when the keys are wrong or the bucket does not exist, never naming the secret', async () => {
    const wrong = new S3FileStorage({ ...bucket.settings, accessKeyId: 'AKIAWRONG', secretAccessKey: 'not-the-secret-9f8e7d' });
    const refused = (await wrong.put('org_a/x.pdf', new Uint8Array([1])).catch((e: unknown) => e)) as Error;
    expect(refused.message).toBe(`storing "org_a/x.pdf" in the S3 bucket lotbridge-files at ${bucket.settings.endpoint} failed: HTTP 403 InvalidAccessKeyId`);
    expect(refused.message).not.toContain('not-the-secret');
    const elsewhere = new S3FileStorage({ ...bucket.settings, bucket: 'no-such-bucket' });
    await expect(elsewhere.put('org_a/x.pdf', new Uint8Array([1]))).rejects.toThrow(/HTTP 404 NoSuchBucket/);
    await expect(elsewhere.get('org_a/x.pdf')).rejects.toThrow('reading "org_a/x.pdf" failed: the S3 bucket no-such-bucket at');
  });
});

describe('S3 request signing', () => {
  // A fake S3 on loopback that records what it is sent: every request must sign the SHA-256 of
  // its body. With UNSIGNED-PAYLOAD (aws4fetch's default for S3 when no hash is given) anyone on
  // the path could swap the part list of CompleteMultipartUpload, and the object assembled would
  // not be the body we hashed and recorded.
  let s3: HttpReceiver;
  beforeAll(async () => {
    s3 = await startHttpReceiver((req, res) => {
      if (req.method === 'POST' && req.path.endsWith('?uploads')) return res.writeHead(200).end('<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>');
      if (req.method === 'PUT') return res.writeHead(200, { etag: `"${sha256(req.body).slice(0, 32)}"` }).end();
      if (req.method === 'POST') return res.writeHead(200).end('<CompleteMultipartUploadResult><Key>k</Key></CompleteMultipartUploadResult>');
      if (req.method === 'HEAD') return res.writeHead(200, { 'content-length': '3' }).end();
      if (req.method === 'GET') return res.writeHead(200).end('abc');
      return res.writeHead(204).end();
    });
  });
  afterAll(() => s3?.close());

  it('signs the SHA-256 of every body: parts, the part list that completes an upload, and the empty ones', async () => {
    const files = new S3FileStorage({ endpoint: s3.url, bucket: 'lotbridge-files', region: 'auto', accessKeyId: 'AKID', secretAccessKey: 'secret' }, { partBytes: 1000 });
    await files.put('as2/2026-12/as2m_signed.raw', chunked(pattern(2500), 500), { maxBytes: 10_000 });
    await files.put('org_a/fil_signed.pdf', pattern(10));
    await files.head('org_a/fil_signed.pdf');
    await files.get('org_a/fil_signed.pdf', { length: 2 });
    await files.delete('org_a/fil_signed.pdf');
    const complete = s3.received.find((r) => r.method === 'POST' && r.path.includes('uploadId='));
    expect(complete?.body.toString()).toContain('<CompleteMultipartUpload>');
    expect(s3.received.map((r) => r.method).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'HEAD', 'POST', 'POST', 'PUT', 'PUT', 'PUT', 'PUT']);
    for (const r of s3.received) {
      expect({ request: `${r.method} ${r.path}`, hash: r.headers['x-amz-content-sha256'] }).toEqual({ request: `${r.method} ${r.path}`, hash: sha256(r.body) });
      expect(r.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    }
  });
});

describe('R2 binding (miniflare\'s R2 on workerd)', () => {
  let mf: Miniflare;
  let binding: R2BucketBinding;
  beforeAll(async () => {
    mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("") } }', r2Buckets: ['FILES'] });
    binding = (await mf.getR2Bucket('FILES')) as unknown as R2BucketBinding;
  });
  afterAll(() => mf?.dispose());
  behavesAsFileStorage('R2 binding', () => new R2FileStorage(binding, { name: 'FILES', partBytes: 5 * MiB }));
});

describe('choosing the storage', () => {
  const s3 = { endpoint: 'https://s3.example.com', bucket: 'lotbridge-files', region: 'auto', accessKeyId: 'AKID', secretAccessKey: 'secret' };
  const r2 = { binding: {} as R2BucketBinding, name: 'FILES' };

  it('on Node: the local folder by default, the S3 bucket with FILE_STORAGE=s3, and R2 refused (a binding exists on Workers only)', () => {
    expect(openFileStorage({ files: { storage: 'local' }, uploads: { dir: '/srv/uploads', maxBytes: 1 } })).toBeInstanceOf(LocalFileStorage);
    expect(openFileStorage({ files: { storage: 's3', s3 }, uploads: { dir: '/srv/uploads', maxBytes: 1 } }).description).toBe('S3 bucket lotbridge-files at https://s3.example.com');
    expect(() => openFileStorage({ files: { storage: 'r2' }, uploads: { dir: '/srv/uploads', maxBytes: 1 } })).toThrow(/FILE_STORAGE=r2 uses the R2 binding of the Cloudflare Worker; on Node use FILE_STORAGE=s3/);
  });

  it('on Workers: the R2 binding or the S3 bucket, never a folder; a missing binding is named', () => {
    expect(openBucketStorage({ files: { storage: 'r2' } }, r2)).toBeInstanceOf(R2FileStorage);
    expect(openBucketStorage({ files: { storage: 's3', s3 } }, r2)).toBeInstanceOf(S3FileStorage);
    expect(() => openBucketStorage({ files: { storage: 'local' } }, r2)).toThrow(/a Worker has none/);
    expect(() => openBucketStorage({ files: { storage: 'r2' } }, { binding: undefined, name: 'FILES' })).toThrow('FILE_STORAGE=r2 needs the R2 binding FILES in wrangler.toml ([[r2_buckets]]); create the bucket with "wrangler r2 bucket create"');
  });
});
