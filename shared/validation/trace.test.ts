// The trace check (issue 19, CI): every requirement has a tagged test, every tag names a known
// requirement, every clause is covered or says why not, and shared/validation/trace.json matches
// the tags in the test names. Then traceResults: how a run's results become requirement and clause results.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue } from './catalogue.ts';
import { buildTrace, scanTaggedTests, taggedTestsIn, tracePath } from './trace-scan.ts';
import { traceResults, type Catalogue, type VitestJson } from './trace.ts';

const rootDir = fileURLToPath(new URL('../../', import.meta.url));
const rerun = 'Run `npm run trace` to rewrite shared/validation/trace.json if the tests were tagged, added, renamed or moved on purpose.';

describe('the requirements catalogue', () => {
  const ids = catalogue.requirements.map((r) => r.id);
  const clauseIds = new Set(catalogue.clauses.map((c) => c.id));

  it('has unique requirement ids of the form REQ-AREA-NN, each with its text and known clauses', () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of catalogue.requirements) {
      expect(r.id).toMatch(/^REQ-[A-Z0-9]+(-[A-Z0-9]+)*-\d\d$/);
      expect(r.text.length, r.id).toBeGreaterThan(20);
      expect(r.clauses.length, r.id).toBeGreaterThan(0);
      for (const c of r.clauses) expect(clauseIds.has(c), `${r.id} names unknown clause ${c}`).toBe(true);
    }
  });

  it('lists every clause the issue names, each covered by a requirement or a gap with its reason, never both [REQ-VAL-04]', () => {
    const named = [...'abcdefghijk'].map((l) => `21CFR11.10(${l})`).concat(['21CFR11.50', '21CFR11.70', '21CFR11.100', '21CFR11.200', '21CFR11.300', '21CFR7.42', '21CFR7.49', '21CFR7.53', '21CFR7.55', 'MDCG2023-3', 'NMPA-Decree-29', 'RFC4130', 'StandardWebhooks']);
    for (const id of named) expect(clauseIds.has(id), id).toBe(true);
    for (const c of catalogue.clauses) {
      const covered = catalogue.requirements.some((r) => r.clauses.includes(c.id));
      expect(covered !== Boolean(c.gap), `${c.id}: ${covered ? 'covered yet listed as a gap' : 'no requirement covers it and no gap reason says why'}`).toBe(true);
    }
    expect(catalogue.clauses.filter((c) => c.gap).map((c) => c.id)).toEqual(['21CFR11.10(i)', '21CFR11.10(j)', '21CFR11.10(k)']);
  });
});

describe('the trace from requirements to tagged tests', () => {
  const scanned = scanTaggedTests(rootDir);
  const known = new Set(catalogue.requirements.map((r) => r.id));

  it('every tag in a test name names a requirement of the catalogue', () => {
    const unknown = scanned.flatMap((t) => t.tags.filter((tag) => !known.has(tag)).map((tag) => `${t.file}:${t.line} [${tag}]`));
    expect(unknown, 'tags naming no requirement of shared/validation/requirements.ts').toEqual([]);
  });

  it('every requirement has at least one tagged test [REQ-VAL-04]', () => {
    const untested = catalogue.requirements.filter((r) => !scanned.some((t) => t.tags.includes(r.id))).map((r) => r.id);
    expect(untested, 'requirements without a test tagged [REQ-…] in its name').toEqual([]);
  });

  it('every test listed in trace.json is still there, under its name and tag [REQ-VAL-04]', () => {
    const gone = Object.entries(catalogue.trace).flatMap(([id, tests]) =>
      tests.filter((t) => !scanned.some((s) => s.file === t.file && s.name === t.name && s.tags.includes(id))).map((t) => `${id}: ${t.file} › ${t.name}`),
    );
    expect(gone, `tagged tests that disappeared. ${rerun}`).toEqual([]);
  });

  it('trace.json lists exactly the tagged tests', () => {
    const committed = JSON.parse(readFileSync(tracePath(rootDir), 'utf8')) as unknown;
    expect(committed, `trace.json is not what the test names say. ${rerun}`).toEqual(buildTrace(scanned));
  });
});

describe('reading tags from test names', () => {
  it('reads the name of it(), test(), it.each(…)(), a table’s closing ])( and a journey’s step(), unescaped, and nothing else', () => {
    const tag = (id: string) => `[${id}]`;
    const source = [
      `it('refuses it \\'twice\\' ${tag('REQ-A-01')}', async () => {`,
      `test("plain ${tag('REQ-A-02')} ${tag('REQ-B-01')}", () => {`,
      `it.each(docs)('%s in Chinese ${tag('REQ-A-03')}', async (d) => {`,
      `])('refuses %s with 401 ${tag('REQ-A-04')}', async () => {`,
      `  step('QA closes it ${tag('REQ-A-07')}', async () => {`,
      `describe('a group ${tag('REQ-A-05')}', () => {`,
      `const note = 'not a name ${tag('REQ-A-06')}';`,
      `it('untagged', () => {`,
    ].join('\n');
    expect(taggedTestsIn('x.test.ts', source)).toEqual([
      { file: 'x.test.ts', line: 1, name: `refuses it 'twice' ${tag('REQ-A-01')}`, tags: ['REQ-A-01'] },
      { file: 'x.test.ts', line: 2, name: `plain ${tag('REQ-A-02')} ${tag('REQ-B-01')}`, tags: ['REQ-A-02', 'REQ-B-01'] },
      { file: 'x.test.ts', line: 3, name: `%s in Chinese ${tag('REQ-A-03')}`, tags: ['REQ-A-03'] },
      { file: 'x.test.ts', line: 4, name: `refuses %s with 401 ${tag('REQ-A-04')}`, tags: ['REQ-A-04'] },
      { file: 'x.test.ts', line: 5, name: `QA closes it ${tag('REQ-A-07')}`, tags: ['REQ-A-07'] },
    ]);
  });
});

describe('traceResults', () => {
  const cat: Catalogue = {
    clauses: [
      { id: 'C1', title: 'Clause one' },
      { id: 'C2', title: 'Clause two' },
      { id: 'C3', title: 'Clause three', gap: 'The customer’s procedure.' },
    ],
    requirements: [
      { id: 'REQ-X-01', text: 'First', clauses: ['C1'] },
      { id: 'REQ-X-02', text: 'Second', clauses: ['C1', 'C2'] },
      { id: 'REQ-X-03', text: 'Third', clauses: ['C2'] },
    ],
    trace: {
      'REQ-X-01': [{ file: 'shared/a.test.ts', name: 'a works [REQ-X-01]' }],
      'REQ-X-02': [
        { file: 'tests/integration/b.test.ts', name: 'b works [REQ-X-02]' },
        { file: 'tests/integration/b.test.ts', name: '%s in Chinese [REQ-X-02]' },
      ],
      'REQ-X-03': [{ file: 'tests/e2e/c.test.ts', name: 'c works [REQ-X-03]' }],
    },
  };
  const run = (b: string, c = 'passed'): VitestJson => ({
    testResults: [
      { name: '/repo/shared/a.test.ts', assertionResults: [{ title: 'a works [REQ-X-01]', status: 'passed' }] },
      {
        name: '/repo/tests/integration/b.test.ts',
        assertionResults: [
          { title: 'b works [REQ-X-02]', status: b },
          { title: 'plan in Chinese [REQ-X-02]', status: 'passed' },
          { title: 'summary in Chinese [REQ-X-02]', status: 'passed' },
        ],
      },
      { name: '/repo/tests/e2e/c.test.ts', assertionResults: [{ title: 'c works [REQ-X-03]', status: c }] },
    ],
  });

  it('passes a requirement whose tests all passed, with each test, its tier and it.each case', () => {
    const { requirements, clauses } = traceResults(run('passed'), cat);
    expect(requirements.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(requirements[1]!.tests).toEqual([
      { file: 'tests/integration/b.test.ts', name: 'b works [REQ-X-02]', tier: 'integration', status: 'passed' },
      { file: 'tests/integration/b.test.ts', name: 'plan in Chinese [REQ-X-02]', tier: 'integration', status: 'passed' },
      { file: 'tests/integration/b.test.ts', name: 'summary in Chinese [REQ-X-02]', tier: 'integration', status: 'passed' },
    ]);
    expect(requirements[2]!.tests[0]!.tier).toBe('e2e');
    expect(clauses.map((c) => [c.id, c.status, c.requirements])).toEqual([
      ['C1', 'pass', ['REQ-X-01', 'REQ-X-02']],
      ['C2', 'pass', ['REQ-X-02', 'REQ-X-03']],
      ['C3', 'gap', []],
    ]);
  });

  it('a failed tagged test fails its requirement and every clause that requirement serves [REQ-VAL-04]', () => {
    const { requirements, clauses } = traceResults(run('failed'), cat);
    expect(requirements.map((r) => [r.id, r.status])).toEqual([['REQ-X-01', 'pass'], ['REQ-X-02', 'fail'], ['REQ-X-03', 'pass']]);
    expect(clauses.map((c) => [c.id, c.status])).toEqual([['C1', 'fail'], ['C2', 'fail'], ['C3', 'gap']]);
  });

  it('a clause no requirement names is a gap, with its reason or a plain one', () => {
    const { clauses } = traceResults(run('passed'), { ...cat, clauses: [...cat.clauses, { id: 'C4', title: 'Clause four' }] });
    expect(clauses[2]).toEqual({ id: 'C3', title: 'Clause three', requirements: [], status: 'gap', gapReason: 'The customer’s procedure.' });
    expect(clauses[3]).toMatchObject({ id: 'C4', status: 'gap', gapReason: expect.stringMatching(/no requirement/i) });
  });

  it('a traced test that did not run, or was skipped, leaves its requirement and clause not_run; a failure elsewhere still fails', () => {
    const skipped = traceResults(run('passed', 'skipped'), cat);
    expect(skipped.requirements[2]!.status).toBe('not_run');
    expect(skipped.clauses.map((c) => c.status)).toEqual(['pass', 'not_run', 'gap']);
    const partial: VitestJson = { testResults: run('failed').testResults.slice(1, 2) };
    const r = traceResults(partial, cat);
    expect(r.requirements.map((x) => x.status)).toEqual(['not_run', 'fail', 'not_run']);
    expect(r.requirements[0]!.tests).toEqual([{ file: 'shared/a.test.ts', name: 'a works [REQ-X-01]', tier: 'unit', status: 'not_run' }]);
    expect(r.clauses.map((c) => c.status)).toEqual(['fail', 'fail', 'gap']);
  });

  it('with no run at all (--skip-tests) every requirement is not_run with its traced tests', () => {
    const { requirements, clauses } = traceResults(null, cat);
    expect(requirements.map((r) => r.status)).toEqual(['not_run', 'not_run', 'not_run']);
    expect(requirements[1]!.tests.map((t) => t.status)).toEqual(['not_run', 'not_run']);
    expect(clauses.map((c) => c.status)).toEqual(['not_run', 'not_run', 'gap']);
  });

  it('counts a tagged test the committed trace does not list yet', () => {
    const json = run('passed');
    json.testResults[0]!.assertionResults.push({ title: 'a new one [REQ-X-01]', status: 'failed' });
    const { requirements } = traceResults(json, cat);
    expect(requirements[0]!.status).toBe('fail');
    expect(requirements[0]!.tests.map((t) => t.name)).toEqual(['a works [REQ-X-01]', 'a new one [REQ-X-01]']);
  });

  it('maps the real catalogue: every clause of the issue is in the summary', () => {
    const { requirements, clauses } = traceResults(null, catalogue);
    expect(requirements).toHaveLength(catalogue.requirements.length);
    expect(clauses.filter((c) => c.status === 'gap').map((c) => c.id)).toEqual(['21CFR11.10(i)', '21CFR11.10(j)', '21CFR11.10(k)']);
    expect(requirements.every((r) => r.tests.length > 0)).toBe(true);
  });
});
