import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemKey, type ProblemCode } from '../errors.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';
import { translateProblem } from './index.ts';

const sharedRoot = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The arguments of every `problem(` call: from the parenthesis to the one that closes it. */
function problemCalls(text: string): string[] {
  const calls: string[] = [];
  for (const m of text.matchAll(/\bproblem\(/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    while (i < text.length && depth > 0) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
      i++;
    }
    calls.push(text.slice(m.index + m[0].length, i - 1));
  }
  return calls;
}

/** Every problem code written in shared/ (`problem('lots.badGtin', …)`, also in a ternary), with where. */
function codesUsed(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of sources(sharedRoot)) {
    for (const args of problemCalls(readFileSync(file, 'utf8'))) {
      for (const [, code] of args.matchAll(/['`]([a-z][A-Za-z0-9-]*\.[A-Za-z_][A-Za-z0-9_]*)['`]/g)) used.set(code!, relative(sharedRoot, file));
    }
  }
  return used;
}

describe('problem codes', () => {
  const used = codesUsed();

  it('are found in shared/ (the scan reads what use cases write)', () => {
    expect(used.size).toBeGreaterThan(20);
    expect(used.get('common.required')).toBeDefined();
  });

  it('each have an English and a Chinese text, with the same placeholders', () => {
    const missing: string[] = [];
    for (const [code, file] of used) {
      const key = problemKey(code as ProblemCode);
      if (!(key in en)) missing.push(`${code} (${file}): no English text ${key}`);
      else if (!zhCN[key] || zhCN[key] === en[key]) missing.push(`${code} (${file}): no Chinese text ${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('are worded with their values', () => {
    expect(translateProblem('en', { code: 'common.tooLong', params: { max: 200 } })).toContain('200');
    expect(translateProblem('zh-CN', { code: 'common.tooLong', params: { max: 200 } })).toContain('200');
  });
});
