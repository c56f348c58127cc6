// `npm test`: makes sure the system packages the tiers need are there (installing them with
// apt-get when running as root), builds the portal when its build is stale, then runs every
// tier (unit, integration, workers, e2e) with Vitest and ends on one "N passed, N failed" line.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const { ensureBuild } = await import('../gateway/node/ensure-build.ts');
const { rootDir } = await import('../gateway/node/paths.ts');
const { readCommit } = await import('../shared/validation/read-installation.ts');

/** System commands the tiers use, and the Debian package that brings each. */
const systemNeeds = [
  { command: 'chromium', path: process.env.CHROMIUM_PATH || '/usr/bin/chromium', pkg: 'chromium' },
  // The recall notice tests read the field safety notice PDFs back with pdftotext.
  { command: 'pdftotext', path: '/usr/bin/pdftotext', pkg: 'poppler-utils' },
  // Chinese text in Chromium's screenshots (tests/e2e/screens.test.ts) needs a CJK font.
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', pkg: 'fonts-noto-cjk' },
  // OpenSSL is the independent AS2 peer (openssl cms) and opens PKCS#12 files.
  { command: 'openssl', path: '/usr/bin/openssl', pkg: 'openssl' },
];

/** @param {{ command?: string, path: string }} need (a file with no command, such as a font, is looked for at its path only) */
function has(need) {
  return existsSync(need.path) || (!!need.command && spawnSync('sh', ['-c', `command -v ${need.command}`]).status === 0);
}

const missing = systemNeeds.filter((n) => !has(n));
if (missing.length) {
  const pkgs = missing.map((n) => n.pkg);
  const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!canInstall) {
    console.error(`npm test: install ${pkgs.join(' ')} first (e.g. sudo apt-get install -y ${pkgs.join(' ')})`);
    process.exit(1);
  }
  console.log(`Installing ${pkgs.join(' ')} with apt-get…`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

await ensureBuild((line) => console.log(line));
// The workers tier runs the Worker built for Workers (workers/build.js), beside the Node build.
const { buildWorkers, workersBuildIsStale } = await import('../workers/build.js');
if (workersBuildIsStale()) buildWorkers();

const report = join(rootDir, 'test-results', 'vitest.json');
// Beside the results, where they came from (shared/validation/check-test-results.ts): `lotbridge
// validate --test-results` ties them to the installed commit through it.
const provenance = join(rootDir, 'test-results', 'run.json');
rmSync(report, { force: true });
rmSync(provenance, { force: true });
const tested = readCommit(rootDir);
const startedAt = new Date().toISOString();
const args = ['run', '--reporter=default', '--reporter=./tests/support/fixtures-reporter.ts', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const vitest = spawnSync(process.execPath, [join(rootDir, 'node_modules/vitest/vitest.mjs'), ...args], { stdio: 'inherit', cwd: rootDir });

if (existsSync(report)) {
  const bytes = readFileSync(report);
  /** @type {import('../shared/validation/check-test-results.ts').TestRunProvenance} */
  const run = {
    format: 'lotbridge-test-run/1',
    commit: tested.commit,
    commitSource: tested.source,
    modifiedFiles: tested.modifiedFiles,
    startedAt,
    finishedAt: new Date().toISOString(),
    node: process.version,
    args: process.argv.slice(2),
    exitCode: vitest.status ?? 1,
    resultsSha256: createHash('sha256').update(bytes).digest('hex'),
  };
  writeFileSync(provenance, JSON.stringify(run, null, 2) + '\n');
  const r = JSON.parse(bytes.toString('utf8'));
  /** @type {Record<string, { passed: number, failed: number }>} */
  const byTier = {};
  for (const file of r.testResults) {
    const tier = file.name.includes('/tests/e2e/') ? 'e2e' : file.name.includes('/tests/integration/') ? 'integration' : file.name.includes('/tests/workers/') ? 'workers' : 'unit';
    byTier[tier] ??= { passed: 0, failed: 0 };
    for (const t of file.assertionResults) {
      if (t.status === 'passed') byTier[tier].passed++;
      else if (t.status === 'failed') byTier[tier].failed++;
    }
  }
  for (const [tier, n] of Object.entries(byTier)) console.log(`${tier}: ${n.passed} passed, ${n.failed} failed`);
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
process.exit(vitest.status ?? 1);
