import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatorModules, validatorsDir } from './compile-validators.ts';
import { equal, ucs2length } from './validators/runtime.ts';

describe('the validators compiled ahead of time', () => {
  const generated = validatorModules();

  it('are the checked-in modules, one per schema: `npm run validators` after changing a schema', () => {
    const onDisk = readdirSync(validatorsDir).filter((f) => f !== 'runtime.ts');
    expect(onDisk.sort()).toEqual([...generated.keys()].sort());
    for (const [name, code] of generated) expect(readFileSync(validatorsDir + name, 'utf8'), `${name} is stale: run npm run validators`).toBe(code);
  });

  it('generate no code at run time and import no Ajv, only the formats and helpers of runtime.ts', () => {
    for (const [name, code] of generated) {
      expect(code, name).not.toMatch(/new Function|\beval\(|require\(/);
      const imports = [...code.matchAll(/^import (?!type ).* from '([^']+)';$/gm)].map((m) => m[1]);
      if (name !== 'index.ts') expect(imports, name).toEqual(['./runtime.ts']);
    }
  });

  it('count string lengths in code points and compare JSON values deeply, as Ajv does', () => {
    expect(ucs2length('a😀b')).toBe(3);
    expect(ucs2length('\ud800')).toBe(1);
    expect(equal({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(equal({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(equal([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(equal({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(equal(null, {})).toBe(false);
  });
});
