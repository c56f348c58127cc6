// The README's table of recall rules names, for each rule, the test that proves it
// (`file › test name`). This reads the table back and fails when a named file or test is gone,
// so the table cannot quietly promise a proof that no longer exists.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The table's rows: the rule and its proofs as [file, test name] pairs (a bare `› name` is in the file before it). */
function proofs(): { rule: string; file: string; name: string }[] {
  const section = readme.slice(readme.indexOf('### Recall rules and the tests that prove them'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| rule |')));
  const out: { rule: string; file: string; name: string }[] = [];
  for (const line of table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| rule') && !l.startsWith('|---'))) {
    const [rule, , proved] = line.slice(2, -2).split(' | ') as [string, string, string];
    let file = '';
    for (const ref of proved.match(/`[^`]+`/g) ?? []) {
      const m = /^`(?:([^`›]+?) )?› ([^`]+)`$/.exec(ref);
      if (!m) continue;
      if (m[1]) file = m[1].includes('/') ? m[1] : `tests/integration/${m[1]}`;
      out.push({ rule, file, name: m[2]! });
    }
  }
  return out;
}

describe("the README's recall rules table", () => {
  const rows = proofs();

  it('names a proof for every rule', () => {
    expect(rows.length).toBeGreaterThan(40);
    const rules = readme.slice(readme.indexOf('### Recall rules and the tests that prove them')).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| rule'));
    for (const rule of rules) expect(rows.some((r) => rule.startsWith(`| ${r.rule} |`)), rule).toBe(true);
  });

  it.each(rows.map((r) => [r.file, r.name]))('%s has a test named "%s"', (file, name) => {
    const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').replaceAll("\\'", "'");
    expect(source).toContain(name);
  });
});
