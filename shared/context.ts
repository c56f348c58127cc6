import type { Db } from './db/index.ts';
import type { Clock } from './clock.ts';
import type { SecurityPolicy } from './auth/policy.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { FileStorage } from './files/file-storage.ts';

/** What every use case is handed: the database, the trusted clock and the security policy. */
export interface UseCaseContext {
  db: Db;
  clock: Clock;
  policy: SecurityPolicy;
  /** Carried into audit entries so an entry can be matched to its request's log lines. */
  requestId?: string;
}

/** The context of a use case that stores or reads files (certificate PDFs, AS2 bodies and payloads). */
export type FilesContext = UseCaseContext & { files: FileStorage };

/** The running server's shared parts, built once by the Node entry (or the Workers entry). */
export interface AppContext extends UseCaseContext {
  config: Config;
  /** Where files live (FILE_STORAGE): the local folder, an S3-compatible bucket or R2. */
  files: FileStorage;
  log: Logger;
}

// A Symbol.for key reaches the same slot from every module copy: the CLI loads shared/ from
// source, the portal's server bundle has its own copy.
const slot = Symbol.for('lotbridge.appContext');
type Holder = { [slot]?: AppContext };

export function installAppContext(ctx: AppContext): void {
  (globalThis as Holder)[slot] = ctx;
}

export function installedAppContext(): AppContext | undefined {
  return (globalThis as Holder)[slot];
}
