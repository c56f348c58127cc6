// Sample files: the permissive copies in tests/fixtures (in the repository), and the folder
// beside the repository, ../shared/fixtures (or LOTBRIDGE_FIXTURES), with the originals and the
// copyleft samples we may read but not copy in. Tests that need a folder of the second kind take
// their options from needs(): when it is absent they are skipped and counted, and the run ends
// with one line naming the folder and how many tests it disabled (tests/support/fixtures-reporter.ts).
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { TestOptions } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** The folder under sharedFixturesDir this test reads: skipped when absent, and counted. */
    needsFixtures?: string;
  }
}

const rootDir = resolve(import.meta.dirname, '../..');

/** The repository's own copies (permissive licences): always there. */
export const localFixturesDir = join(rootDir, 'tests/fixtures');

/** A folder or file under localFixturesDir. */
export const localFixture = (...parts: string[]): string => join(localFixturesDir, ...parts);

/** The folder beside the repository: ../shared/fixtures unless LOTBRIDGE_FIXTURES names another. */
export const sharedFixturesDir = resolve(rootDir, process.env.LOTBRIDGE_FIXTURES || '../shared/fixtures');

/** A folder or file under sharedFixturesDir (it may be absent: see needs()). */
export const sharedFixture = (...parts: string[]): string => join(sharedFixturesDir, ...parts);

/** The EDIFACT sample folders: our copies, then the shared permissive and copyleft ones. */
export const edifactFolders = [localFixture('edifact'), sharedFixture('edifact', 'permissive'), sharedFixture('edifact', 'copyleft')] as const;

/** A path as a test name shows it: relative to the repository. */
export const fromRoot = (path: string): string => relative(rootDir, path);

/**
 * Options for a describe() or it() whose tests read `path`: under sharedFixturesDir, skipped and
 * counted when it is absent; the repository's own copies are never skipped (a missing one fails).
 */
export function needs(path: string): TestOptions {
  if (relative(sharedFixturesDir, path).startsWith('..')) return {};
  return { skip: !existsSync(path), meta: { needsFixtures: path } };
}

/** The `.edi` files of a folder (and its subfolders when `recursive`) relative to it, sorted; none when the folder is absent. */
export function ediFiles(dir: string, { recursive = false } = {}): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive, encoding: 'utf8' }).filter((f) => f.endsWith('.edi')).sort() : [];
}

/** The outermost absent folder on the way to `path`, as the line at the end of the run names it; null when `path` is there. */
export function missingFolder(path: string): string | null {
  if (existsSync(path)) return null;
  let missing = path;
  for (let up = resolve(path, '..'); up !== missing && !existsSync(up); up = resolve(up, '..')) missing = up;
  return missing;
}

/** How the line names a folder: relative to the repository, and where it points when that differs. */
export function folderName(path: string): string {
  const rel = fromRoot(path);
  return rel.startsWith('../../') || isAbsolute(rel) ? path : `${rel} (${path})`;
}
