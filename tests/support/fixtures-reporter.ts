// The line that says which tests did not run for want of ../shared/fixtures: after the summary,
// once per run, one line per absent folder (one in all when the whole folder is absent), e.g.
//   ../shared/fixtures (/work/shared/fixtures) is absent: 14 tests that read it are disabled (…)
// Registered in vitest.config.ts and by tests/run.js beside its own reporters.
import type { Reporter, TestModule } from 'vitest/node';
import { folderName, missingFolder } from './fixtures.ts';

export default class FixturesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const disabled = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const needed = test.meta().needsFixtures;
        const missing = needed ? missingFolder(needed) : null;
        if (missing) disabled.set(missing, (disabled.get(missing) ?? 0) + 1);
      }
    }
    for (const [folder, count] of disabled) {
      console.log(`${folderName(folder)} is absent: ${count} ${count === 1 ? 'test that reads it is' : 'tests that read it are'} disabled (LOTBRIDGE_FIXTURES names the folder when it is elsewhere)`);
    }
  }
}
