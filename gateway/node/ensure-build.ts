import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { buildDir, rootDir } from './paths.ts';

const sources = ['portal', 'shared', 'gateway', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
const stampFile = join(buildDir, '.built-at');

function newestMtime(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.svelte-kit')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** The portal's build is missing or older than a source file it is built from. */
export function buildIsStale(): boolean {
  const stamp = statSync(stampFile, { throwIfNoEntry: false });
  if (!stamp || !existsSync(join(buildDir, 'handler.js'))) return true;
  return sources.some((s) => newestMtime(join(rootDir, s)) > stamp.mtimeMs);
}

// SvelteKit ends a build with advice for `vite build` users ("Run npm run preview to preview your
// production build locally"): here the server starts right after, so that line would mislead.
const misleadingAdvice = /npm run preview/;

/** Copies the build's output line by line, without the misleading advice; resolves when `from` ends. */
export function forwardBuildOutput(from: Readable, to: Writable): Promise<void> {
  const lines = createInterface({ input: from, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!misleadingAdvice.test(line)) to.write(line + '\n');
  });
  return new Promise((resolve) => lines.once('close', resolve));
}

/** Runs `vite build` when the build is stale, showing its output; rejects when it fails. */
export async function ensureBuild(say: (line: string) => void): Promise<void> {
  // Test servers start many at once after the test runner has built: they must not rebuild
  // concurrently into the same folder because a test file was edited meanwhile.
  if (process.env.LOTBRIDGE_BUILD === 'skip' && existsSync(join(buildDir, 'handler.js'))) return;
  if (!buildIsStale()) return;
  say('Building the portal (first start, or sources changed)…');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [join(rootDir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: rootDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    void forwardBuildOutput(child.stdout!, process.stdout);
    void forwardBuildOutput(child.stderr!, process.stderr);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed with exit code ${code}`))));
  });
  writeFileSync(stampFile, new Date().toISOString());
  say(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
