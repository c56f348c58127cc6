import type { Tx } from '../db/index.ts';
import { migrationFile, type MigrationFile } from '../db/apply-migrations.ts';
import { checkResult, finding } from './check.ts';
import type { ValidationCheck } from './report.ts';

/** SQL without its comments and string literals' contents (a trigger's RAISE message may name another). */
function withoutComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/'(?:[^']|'')*'/g, "''");
}

/**
 * The protective triggers the migrations leave in place, in name order: every `CREATE TRIGGER`
 * of the files applied in name order, less those a later file drops (and does not create again).
 */
export function expectedTriggers(files: readonly MigrationFile[]): string[] {
  const triggers = new Set<string>();
  const ordered = files.filter((f) => migrationFile.test(f.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const statement = /\b(CREATE|DROP)\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:main\.)?["`[]?(\w+)["`\]]?/gi;
  for (const f of ordered) {
    for (const m of withoutComments(f.sql).matchAll(statement)) {
      if (m[1]!.toUpperCase() === 'CREATE') triggers.add(m[2]!);
      else triggers.delete(m[2]!);
    }
  }
  return [...triggers].sort();
}

/**
 * IQ `iq.triggers`: every trigger the migrations create (append-only audit trail, fixed signed
 * records, kept keys…) is present in the database; each missing one is a finding naming it.
 */
export async function checkTriggers(db: Tx, files: readonly MigrationFile[]): Promise<ValidationCheck> {
  const expected = expectedTriggers(files);
  const present = new Set((await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'")).map((r) => r.name));
  const findings = expected.filter((name) => !present.has(name)).map((name) => finding('trigger_missing', { trigger: name }));
  return checkResult('iq.triggers', 'IQ', { expected: expected.length, present: expected.length - findings.length }, findings);
}
