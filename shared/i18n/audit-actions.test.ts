import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEn } from './audit.en.ts';

// Every action a use case writes to the audit trail has a readable name (the page and its
// filter show it in English and Chinese). The compiler holds the rule (recordAudit's `action` is
// an AuditAction, derived from the catalogue's `audit.act.*` keys); this test reads the sources
// as a second pair of eyes, ternaries included (`action: x ? 'a.b' : 'a.c'`).
const sharedDir = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('audit action names', () => {
  const written = new Set<string>();
  for (const file of sources(sharedDir)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('recordAudit(')) continue;
    for (const [expression] of text.matchAll(/\baction: [^,\n]*/g)) {
      for (const m of expression.matchAll(/'([a-z0-9_]+\.[a-z0-9_.]+)'/g)) written.add(m[1]!);
    }
  }

  it('finds the actions in the use cases', () => {
    expect(written.size).toBeGreaterThan(40);
  });

  it.each([...written].sort())('%s has a readable name', (action) => {
    expect(Object.keys(auditEn)).toContain(`audit.act.${action}`);
  });
});
