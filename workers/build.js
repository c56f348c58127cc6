// `npm run build:workers`: the Worker's parts that are built, not bundled by wrangler: the
// migrations module (workers/generated/), the portal built with adapter-cloudflare into
// .svelte-kit-workers/ (svelte.config.js, LOTBRIDGE_TARGET=workers) and the PDF fonts copied
// into its static assets. Skipped when nothing it is built from changed since (`--if-stale`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleMigrations } from './bundle-migrations.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, '.svelte-kit-workers');
const stamp = join(out, '.built-at');
const sources = ['portal', 'shared', 'gateway', 'workers', 'migrations', 'svelte.config.js', 'vite.config.ts', 'wrangler.toml', 'package-lock.json'];

/** @param {string} path @returns {number} */
function newest(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((n, e) => (e === 'node_modules' || e === 'generated' ? n : Math.max(n, newest(join(path, e)))), st.mtimeMs);
}

export function workersBuildIsStale() {
  const built = statSync(stamp, { throwIfNoEntry: false });
  return !built || !existsSync(join(out, 'output/server/index.js')) || sources.some((s) => newest(join(root, s)) > built.mtimeMs);
}

/** @param {(line: string) => void} say */
export function buildWorkers(say = console.log) {
  say(`bundled ${bundleMigrations()} migrations`);
  say('Building the portal for Workers…');
  const vite = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LOTBRIDGE_TARGET: 'workers' },
  });
  if (vite.status !== 0) throw new Error(`vite build for Workers failed (exit code ${vite.status})`);
  const fonts = spawnSync(process.execPath, [join(root, 'bin/copy-pdf-fonts.js'), join(out, 'cloudflare')], { cwd: root, stdio: 'inherit' });
  if (fonts.status !== 0) throw new Error('copying the PDF fonts failed');
  writeFileSync(stamp, new Date().toISOString());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && !workersBuildIsStale()) bundleMigrations();
  else buildWorkers();
}
