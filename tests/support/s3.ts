// A real S3 endpoint on loopback (s3rver: the S3 REST API over HTTP, SigV4 signatures checked,
// objects kept in a temp folder), for FILE_STORAGE=s3.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { S3Settings } from '../../shared/files/s3-file-storage.ts';
import { tempDir } from './server.ts';

interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: { address: string; port: number; silent: boolean; directory: string; configureBuckets: { name: string }[] }) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

export interface TestBucket {
  settings: S3Settings;
  /** What a server needs to keep its files in this bucket. */
  env: Record<string, string>;
  /** The keys stored in the bucket, sorted. */
  keys(): string[];
  stop(): Promise<void>;
}

const objectSuffix = '._S3rver_object';

/** Starts s3rver on a free loopback port with one empty bucket; its keys are s3rver's own ("S3RVER"). */
export async function startS3(bucket = 'lotbridge-files'): Promise<TestBucket> {
  const folder = tempDir('lotbridge-s3-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: folder.dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const settings: S3Settings = { endpoint: `http://127.0.0.1:${port}`, bucket, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    settings,
    env: { FILE_STORAGE: 's3', S3_ENDPOINT: settings.endpoint, S3_BUCKET: bucket, S3_REGION: settings.region, S3_ACCESS_KEY_ID: settings.accessKeyId, S3_SECRET_ACCESS_KEY: settings.secretAccessKey },
    keys: () =>
      readdirSync(join(folder.dir, bucket), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(objectSuffix))
        .map((f) => f.slice(0, -objectSuffix.length))
        .sort(),
    async stop() {
      await server.close();
      folder.remove();
    },
  };
}
