import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiValidatorModules, apiValidatorsDir } from './compile-validators.ts';
import { apiOperations } from './operations/index.ts';

describe('the request validators compiled ahead of time', () => {
  const generated = apiValidatorModules();

  it('are the checked-in modules, one per operation and part: `npm run validators` after changing an operation or schema', () => {
    const onDisk = readdirSync(apiValidatorsDir).filter((f) => f !== 'runtime.ts');
    expect(onDisk.sort()).toEqual([...generated.keys()].sort());
    for (const [name, code] of generated) expect(readFileSync(apiValidatorsDir + name, 'utf8'), `${name} is stale: run npm run validators`).toBe(code);
  });

  it('cover the path and query of every operation, and its body when it takes one', () => {
    for (const op of apiOperations) {
      expect(generated.has(`${op.operationId}.path.ts`), op.operationId).toBe(true);
      expect(generated.has(`${op.operationId}.query.ts`), op.operationId).toBe(true);
      expect(generated.has(`${op.operationId}.body.ts`), op.operationId).toBe(op.body !== undefined);
    }
  });

  it('generate no code at run time and import no Ajv, only the formats and helpers of runtime.ts', () => {
    for (const [name, code] of generated) {
      expect(code, name).not.toMatch(/new Function|\beval\(|require\(/);
      const imports = [...code.matchAll(/^import (?!type ).* from '([^']+)';$/gm)].map((m) => m[1]);
      if (name !== 'index.ts') expect(imports, name).toEqual(['./runtime.ts']);
    }
  });
});
