/**
 * The file storage the configuration chooses, on Node (`lotbridge serve`, the CLI, `vite dev`):
 * the local folder `UPLOAD_DIR` or an S3-compatible bucket. R2 through a binding exists on
 * Workers only: the Worker entry builds `R2FileStorage` from its `env` instead.
 */
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import type { FileStorage } from './file-storage.ts';
import { LocalFileStorage } from './local-file-storage.ts';
import { S3FileStorage } from './s3-file-storage.ts';

export function openFileStorage(config: Pick<Config, 'files' | 'uploads'>): FileStorage {
  const files = config.files;
  if (files.storage === 's3') return new S3FileStorage(files.s3);
  if (files.storage === 'r2') throw new ConfigError('FILE_STORAGE=r2 uses the R2 binding of the Cloudflare Worker; on Node use FILE_STORAGE=s3 with R2\'s S3 API (S3_ENDPOINT=https://<account id>.r2.cloudflarestorage.com, S3_REGION=auto)');
  return new LocalFileStorage(config.uploads.dir);
}
