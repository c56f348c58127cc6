// The type of migrations.js, which workers/bundle-migrations.js writes at build time.
import type { MigrationFile } from '../../shared/db/apply-migrations.ts';

export declare const migrations: MigrationFile[];
