// The static side of the trace (Node only): reads the test files for `[REQ-…]` tags in test names,
// and writes shared/validation/trace.json (`npm run trace`). shared/validation/trace.test.ts
// compares the two so that a requirement without a test, or a listed test that is gone, fails CI.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requirements } from './requirements.ts';
import { tagsOf, type TracedTest } from './trace.ts';

export interface TaggedTest extends TracedTest {
  line: number;
  tags: string[];
}

/** Where test files live (vitest.config.ts's projects). */
const testRoots = ['tests', 'shared', 'gateway', 'portal'];

export function testFiles(rootDir: string): string[] {
  return testRoots
    .flatMap((dir) => (readdirSync(join(rootDir, dir), { recursive: true }) as string[]).map((f) => `${dir}/${f.replaceAll('\\', '/')}`))
    .filter((f) => /\.test\.[jt]s$/.test(f) && !f.includes('node_modules/'))
    .sort();
}

const literal = /(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
/** What comes before a test's name: `it(`, `test(`, `it.skipIf(x)(`, the `)(` that ends an it.each table, or a journey's `step(` (tests/support/browser.ts stepsInOrder). */
const beforeName = /(?:\b(?:it|test|step)(?:\.\w+)*|\))\(\s*$/;

/** The tagged tests of one file's source: each string literal holding a tag that is a test's name. */
export function taggedTestsIn(file: string, source: string): TaggedTest[] {
  const found: TaggedTest[] = [];
  source.split('\n').forEach((text, i) => {
    if (!text.includes('[REQ-')) return;
    for (const m of text.matchAll(literal)) {
      const name = m[2]!.replace(/\\(.)/g, '$1');
      const tags = tagsOf(name);
      if (tags.length && beforeName.test(text.slice(0, m.index))) found.push({ file, name, line: i + 1, tags });
    }
  });
  return found;
}

export function scanTaggedTests(rootDir: string): TaggedTest[] {
  return testFiles(rootDir).flatMap((file) => taggedTestsIn(file, readFileSync(join(rootDir, file), 'utf8')));
}

/** requirement id → its tagged tests, in catalogue order, tests in file and line order. */
export function buildTrace(tagged: TaggedTest[]): Record<string, TracedTest[]> {
  const trace: Record<string, TracedTest[]> = {};
  for (const req of requirements) trace[req.id] = tagged.filter((t) => t.tags.includes(req.id)).map(({ file, name }) => ({ file, name }));
  return trace;
}

export const tracePath = (rootDir: string) => join(rootDir, 'shared/validation/trace.json');

export function writeTrace(rootDir: string): Record<string, TracedTest[]> {
  const trace = buildTrace(scanTaggedTests(rootDir));
  writeFileSync(tracePath(rootDir), `${JSON.stringify(trace, null, 2)}\n`);
  return trace;
}
