import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository (package) root, wherever the command is run from. */
export const rootDir = fileURLToPath(new URL('../../', import.meta.url));
export const migrationsDir = join(rootDir, 'migrations');
export const buildDir = join(rootDir, 'build');
