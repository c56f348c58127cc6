import { createHash } from 'node:crypto';
import type { Tx } from '../db/index.ts';
import { migrationFile, type MigrationFile } from '../db/apply-migrations.ts';
import { checkResult, finding } from './check.ts';
import type { Finding, ValidationCheck } from './report.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** migrations/SHA256SUMS as name → sha256 (`sha256sum` format: "<hex>  <name>"). */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *]?(\S+)$/.exec(line.trim());
    if (m) sums.set(m[2]!, m[1]!);
  }
  return sums;
}

/**
 * IQ `iq.migrations`: every migration file is pinned in SHA256SUMS with its own checksum, and
 * every migration the database recorded as applied is a file of this installation with the same
 * checksum (an edited or removed migration, or a database ahead of or behind the code).
 */
export async function checkMigrations(db: Tx, files: readonly MigrationFile[], sha256Sums: string): Promise<ValidationCheck> {
  const findings: Finding[] = [];
  const pinned = parseSha256Sums(sha256Sums);
  const current = new Map(files.filter((f) => migrationFile.test(f.name)).map((f) => [f.name, sha256(f.sql)]));
  for (const [name, sum] of current) {
    const pin = pinned.get(name);
    if (pin === undefined) findings.push(finding('migration_not_pinned', { migration: name }));
    else if (pin !== sum) findings.push(finding('migration_file_edited', { migration: name, pinned: pin.slice(0, 12), file: sum.slice(0, 12) }));
  }
  for (const name of pinned.keys()) if (!current.has(name)) findings.push(finding('migration_file_missing', { migration: name }));
  const applied = await db.all<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations ORDER BY name');
  const appliedNames = new Set(applied.map((r) => r.name));
  for (const r of applied) {
    const sum = current.get(r.name);
    if (sum === undefined) findings.push(finding('migration_unknown', { migration: r.name }));
    else if (sum !== r.checksum) findings.push(finding('migration_checksum_differs', { migration: r.name, recorded: r.checksum.slice(0, 12), file: sum.slice(0, 12) }));
  }
  for (const name of current.keys()) if (!appliedNames.has(name)) findings.push(finding('migration_not_applied', { migration: name }));
  const names = [...current.keys()].sort();
  return checkResult('iq.migrations', 'IQ', { files: current.size, applied: applied.length, pinned: pinned.size, latest: names.at(-1) ?? '' }, findings);
}
