// The source files of shared/ (no tests), read once: for the tests that check every code written
// in them (audit actions, mail and AS2 purposes, problem codes) has a worded name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const sharedDir = join(import.meta.dirname, '../../shared');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every non-test `.ts` file under shared/, with its text. */
export function sharedSources(): { file: string; text: string }[] {
  return files(sharedDir).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}
