import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationFile, type MigrationFile } from '../db/apply-migrations.ts';
import type { RuntimeFacts } from './check-runtime.ts';
import type { CommitFacts } from './check-commit.ts';
import type { ClockReference } from './check-clock.ts';

// Node only: what the IQ checks compare, read from the installation's files (the checks
// themselves take it as data and run anywhere).

/** The migration files of `dir` and its SHA256SUMS text ('' when absent: every file is then unpinned). */
export function readMigrationSources(dir: string): { files: MigrationFile[]; sha256Sums: string } {
  const files = readdirSync(dir)
    .filter((f) => migrationFile.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
  const sums = join(dir, 'SHA256SUMS');
  return { files, sha256Sums: existsSync(sums) ? readFileSync(sums, 'utf8') : '' };
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** Node's version, package.json's engines and dependencies, the lockfile's pins and what node_modules holds at each. */
export function readRuntimeFacts(rootDir: string, nodeVersion: string = process.version): RuntimeFacts {
  const pkg = readJson(join(rootDir, 'package.json')) as { engines?: { node?: string }; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const lock = readJson(join(rootDir, 'package-lock.json')) as { packages?: Record<string, { version?: string; optional?: boolean; link?: boolean }> };
  const locked: RuntimeFacts['locked'] = {};
  const installed: RuntimeFacts['installed'] = {};
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!path.startsWith('node_modules/') || entry.link) continue;
    locked[path] = { version: entry.version, optional: entry.optional };
    const manifest = join(rootDir, path, 'package.json');
    installed[path] = existsSync(manifest) ? ((readJson(manifest).version as string | undefined) ?? '') : undefined;
  }
  return { nodeVersion, enginesNode: pkg.engines?.node ?? '*', direct: [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})], locked, installed };
}

function git(rootDir: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', rootDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The commit of a checkout (git), else the build stamp LOTBRIDGE_COMMIT, else unknown. */
export function readCommit(rootDir: string, env: Record<string, string | undefined> = process.env): CommitFacts {
  if (existsSync(join(rootDir, '.git'))) {
    const commit = git(rootDir, ['rev-parse', 'HEAD']);
    if (commit && /^[0-9a-f]{40}$/.test(commit)) {
      const status = git(rootDir, ['status', '--porcelain', '--untracked-files=no']);
      return { commit, source: 'git', modifiedFiles: status === null ? null : status.split('\n').filter(Boolean).length };
    }
  }
  const stamp = env.LOTBRIDGE_COMMIT?.trim();
  if (stamp && /^[0-9a-f]{7,40}$/.test(stamp)) return { commit: stamp, source: 'stamp', modifiedFiles: null };
  return { commit: null, source: 'unknown', modifiedFiles: null };
}

/** Whether the host's clock is synchronised (systemd's timedatectl); null when it cannot be told. */
export function readNtpSynchronized(): boolean | null {
  try {
    const out = execFileSync('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    return out === 'yes' ? true : out === 'no' ? false : null;
  } catch {
    return null;
  }
}

/**
 * A running server's clock from its HTTP Date header (GET /healthz), read against ours at the
 * middle of the exchange; `at` null when it cannot be reached within 5 s (said so, not failed).
 */
export async function readHttpClock(origin: string): Promise<ClockReference> {
  const before = Date.now();
  try {
    const res = await fetch(new URL('/healthz', origin), { signal: AbortSignal.timeout(5_000), redirect: 'manual' });
    await res.body?.cancel();
    const after = Date.now();
    const date = res.headers.get('date');
    return { source: origin, at: date ? new Date(date) : null, localAt: new Date((before + after) / 2), resolutionMs: 1_000 + (after - before) };
  } catch {
    return { source: origin, at: null, localAt: new Date(before), resolutionMs: 1_000 };
  }
}
