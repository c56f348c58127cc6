import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir, sharedSources } from '../../tests/support/sources.ts';
import { auditEn } from './audit.en.ts';

// Every action a use case writes to the audit trail, every record type it names and every kind of
// author has a readable name (the audit page, its filters and each record's history show them in
// every language). The compiler holds the rule (recordAudit's `action` is
// an AuditAction, derived from the catalogue's `audit.act.*` keys); this test reads the sources
// as a second pair of eyes, ternaries included (`action: x ? 'a.b' : 'a.c'`).
describe('audit action names', () => {
  const written = new Set<string>();
  for (const { text } of sharedSources()) {
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

describe('audit record type names', () => {
  const named = new Set<string>();
  for (const { text } of sharedSources()) {
    for (const [expression] of text.matchAll(/\bentityType: [^,\n]*/g)) {
      // Literals, ternaries included; not the keys of a lookup (`entityTypes[x ? 'in' : 'out']`).
      for (const m of expression.replace(/\[[^\]]*\]/g, '').matchAll(/'([a-z0-9_]+)'/g)) named.add(m[1]!);
    }
  }

  it('finds the record types in the use cases', () => {
    expect(named.size).toBeGreaterThan(20);
  });

  it.each([...named].sort())('%s has a readable name', (type) => {
    expect(Object.keys(auditEn)).toContain(`audit.record.${type}`);
  });
});

describe('audit author names', () => {
  // The kinds of author are the union AuditActor in entry.ts.
  const union = /export type AuditActor =([\s\S]*?)\n\n/.exec(sharedSources().find((s) => s.file === join(sharedDir, 'audit/entry.ts'))!.text)![1]!;
  const kinds = [...union.matchAll(/type: '([a-z_]+)'/g)].map((m) => m[1]!);

  it('finds the kinds of author', () => {
    expect(kinds).toEqual(expect.arrayContaining(['user', 'partner', 'system']));
  });

  it.each(kinds)('%s has a readable name', (kind) => {
    expect(Object.keys(auditEn)).toContain(`audit.actorType.${kind}`);
  });
});
