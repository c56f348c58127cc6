// What a module reaches through its imports when bundled for a runtime: relative imports and
// package.json "imports" (#runtime/…) followed with the given condition (workerd takes the
// Workers side of each split), `import type` skipped (erased). For tests that keep Node-only
// modules (node:fs, node:http, nodemailer …) out of what the Cloudflare Worker imports.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { rootDir } from './server.ts';

const packageImports = (JSON.parse(readFileSync(resolve(rootDir, 'package.json'), 'utf8')) as { imports: Record<string, Record<string, string>> }).imports;

/** Module specifiers in the source that are loaded at run time (not `import type`, not `export type`). */
function runtimeSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) if (!m[2]) found.push(m[3]!);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

/**
 * Every module `entry` (a path from the repository root) reaches, as repository paths for our
 * files and as specifiers for everything else (node:fs, nodemailer …), each with the chain
 * of files that led to it.
 */
export function reachedModules(entry: string, condition: 'workerd' | 'default'): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const visit = (file: string, chain: string[]) => {
    const key = relative(rootDir, file);
    if (reached.has(key)) return;
    reached.set(key, chain);
    for (const spec of runtimeSpecifiers(readFileSync(file, 'utf8'))) {
      let target: string | undefined;
      if (spec.startsWith('#')) {
        const entryFor = packageImports[spec];
        if (!entryFor) throw new Error(`${key} imports ${spec}, which package.json "imports" does not name`);
        target = resolve(rootDir, entryFor[condition] ?? entryFor.default!);
      } else if (spec.startsWith('.')) {
        target = resolve(dirname(file), spec);
        if (!existsSync(target)) target = [`${target}.ts`, `${target}.js`, `${target}/index.ts`].find(existsSync);
      }
      if (target && existsSync(target) && /\.(ts|js)$/.test(target)) visit(target, [...chain, key]);
      else if (!reached.has(spec)) reached.set(spec, [...chain, key]);
    }
  };
  visit(resolve(rootDir, entry), []);
  return reached;
}
