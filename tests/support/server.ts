import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const rootDir = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(rootDir, 'bin/lotbridge.js');

export interface RunningServer {
  url: string;
  dir: string;
  databaseUrl: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
  process: ChildProcess;
}

/** A temporary folder that the caller removes; holds the SQLite file of one test file. */
export function tempDir(prefix = 'lotbridge-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the real server (`lotbridge serve --port 0`) on a fresh SQLite file in a temp folder
 * (or on `databaseUrl`, which the caller then owns), with the demo's accounts seeded (DEMO_SEED=users:
 * each test builds its own data; `{ DEMO_SEED: 'true' }` seeds the whole demo as `npm start`), and
 * resolves once it prints its URL. The portal must be built (tests/run.js builds it before the tiers run).
 */
export async function startServer(env: Record<string, string> = {}, options: { databaseUrl?: string } = {}): Promise<RunningServer> {
  const tmp = options.databaseUrl ? { dir: '', remove: () => undefined } : tempDir();
  const databaseUrl = options.databaseUrl ?? `file:${join(tmp.dir, 'lotbridge.db')}`;
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0'], {
    cwd: rootDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', DEMO_SEED: 'users', LOTBRIDGE_BUILD: 'skip', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 120 s:\n${output}`)), 120_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    url,
    dir: tmp.dir,
    databaseUrl,
    output: () => output,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      tmp.remove();
    },
  };
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: rootDir, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}
