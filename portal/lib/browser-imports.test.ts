// A .svelte component runs in the browser too: what it imports from shared/ (and all that
// imports in turn) must not reach a Node module, or the build quietly swaps it for an empty stub
// ("externalized for browser compatibility") and ships server code to every visitor.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name), ext) : d.name.endsWith(ext) ? [join(dir, d.name)] : []));
}

/** Value imports (not `import type`) of a source text: their specifiers. */
function valueImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^\s*import\s+(type\s+)?([^'";]*?)\s*from\s+'([^']+)'/gm)) {
    if (m[1]) continue;
    const names = m[2]!;
    // `import { type A, type B } from` imports nothing at run time.
    const braces = /^\{([^}]*)\}$/.exec(names.trim());
    if (braces && braces[1]!.split(',').every((n) => !n.trim() || n.trim().startsWith('type '))) continue;
    out.push(m[3]!);
  }
  return out;
}

/** The Node modules a shared/ module reaches through its value imports, with the path that reaches each. */
function nodeModulesReached(start: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (file: string, path: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of valueImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('node:')) found.push([...path, spec].map((p) => p.replace(`${root}/`, '')).join(' → '));
      else if (spec.startsWith('.')) walk(resolve(dirname(file), spec), [...path, resolve(dirname(file), spec)]);
    }
  };
  walk(start, [start]);
  return found;
}

describe('shared/ modules the portal loads in the browser', () => {
  const components = files(join(root, 'portal'), '.svelte');
  const shared = new Set(components.flatMap((c) => valueImports(readFileSync(c, 'utf8').replace(/^[\s\S]*?<script[^>]*>|<\/script>[\s\S]*$/g, '')).filter((s) => s.startsWith('$shared/')).map((s) => join(root, 'shared', s.slice('$shared/'.length)))));

  it('finds the imports it checks', () => {
    expect(shared.size).toBeGreaterThan(5);
  });

  for (const file of [...shared].sort()) {
    it(`${file.replace(`${root}/`, '')} reaches no Node module`, () => {
      expect(nodeModulesReached(file)).toEqual([]);
    });
  }
});
