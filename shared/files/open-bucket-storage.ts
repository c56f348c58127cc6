/**
 * The file storage the configuration chooses on Cloudflare Workers, where there is no folder:
 * the R2 binding (`FILE_STORAGE=r2`, wrangler.toml's `[[r2_buckets]]`) or an S3-compatible
 * bucket (`FILE_STORAGE=s3`). Imports nothing Node-only; the Worker entry calls it.
 */
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import type { FileStorage } from './file-storage.ts';
import { R2FileStorage, type R2BucketBinding } from './r2-file-storage.ts';
import { S3FileStorage } from './s3-file-storage.ts';

export function openBucketStorage(config: Pick<Config, 'files'>, r2?: { binding: R2BucketBinding | undefined; name: string }): FileStorage {
  const files = config.files;
  if (files.storage === 's3') return new S3FileStorage(files.s3);
  if (files.storage === 'local') throw new ConfigError('FILE_STORAGE=local keeps files in a folder, and a Worker has none: set FILE_STORAGE=r2 (with an R2 binding) or FILE_STORAGE=s3');
  if (!r2?.binding) throw new ConfigError(`FILE_STORAGE=r2 needs the R2 binding ${r2?.name ?? '(unnamed)'} in wrangler.toml ([[r2_buckets]]); create the bucket with "wrangler r2 bucket create"`);
  return new R2FileStorage(r2.binding, { name: r2.name });
}
