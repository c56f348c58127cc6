// Tests that read ../shared/fixtures say when they did not run: the real Vitest, on a unit file
// with four copyleft tests, with LOTBRIDGE_FIXTURES naming a folder that is absent or only partly
// there. The run stays green, those four are skipped, and one line after the summary names the
// outermost absent folder and how many tests it disabled (tests/support/fixtures-reporter.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rootDir, tempDir } from '../support/server.ts';

const tmp = tempDir('lotbridge-fixtures-');
afterAll(() => tmp.remove());

/** `vitest run` on the ORDERS mapping tests, with the fixtures folder at `fixtures`: its exit status and the lines it printed. */
function runWithFixtures(fixtures: string): { status: number | null; lines: string[] } {
  // The nested Vitest must not take itself for a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  const run = spawnSync(process.execPath, [join(rootDir, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'unit', 'shared/erp/receive-orders.test.ts'], {
    cwd: rootDir,
    env: { ...env, LOTBRIDGE_FIXTURES: fixtures, NO_COLOR: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
  });
  return { status: run.status, lines: `${run.stdout}${run.stderr}`.split('\n').map((l) => l.trim()) };
}

describe('a fixtures folder that is not there', () => {
  it('wholly absent: the tests that read it are skipped, and one line names the folder and counts them', () => {
    const absent = join(tmp.dir, 'nowhere');
    const { status, lines } = runWithFixtures(absent);
    expect(status).toBe(0);
    expect(lines.filter((l) => l.includes('is absent'))).toEqual([`${absent} is absent: 4 tests that read it are disabled (LOTBRIDGE_FIXTURES names the folder when it is elsewhere)`]);
    expect(lines.find((l) => l.startsWith('Tests'))).toMatch(/^Tests\s+\d+ passed \| 4 skipped \(\d+\)$/);
  });

  it('partly there: the line names the outermost folder that is missing', () => {
    mkdirSync(join(tmp.dir, 'partial', 'edifact'), { recursive: true });
    const { status, lines } = runWithFixtures(join(tmp.dir, 'partial'));
    expect(status).toBe(0);
    expect(lines.filter((l) => l.includes('is absent'))).toEqual([`${join(tmp.dir, 'partial', 'edifact', 'copyleft')} is absent: 4 tests that read it are disabled (LOTBRIDGE_FIXTURES names the folder when it is elsewhere)`]);
  });
});
