// The checks the server's self-check runs (self-check.ts). Runtime-neutral: the migrations'
// SQL is handed in by the entry that can read it (the Node server reads migrations/).
import type { UseCaseContext } from '../context.ts';
import { verifyAuditChain } from '../audit/verify-audit-chain.ts';
import { verifyRecordHashes, type RecordFinding } from '../signatures/verify-record-hashes.ts';
import type { Finding } from './report.ts';
import type { SelfCheck } from './self-check.ts';

/** The triggers the migrations leave in place, in their order: each CREATE TRIGGER not dropped by a later file. */
export function triggersOfMigrations(migrations: readonly { name: string; sql: string }[]): string[] {
  const triggers = new Set<string>();
  for (const m of [...migrations].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const sql = m.sql.replace(/--[^\n]*/g, '');
    for (const [, verb, name] of sql.matchAll(/\b(CREATE|DROP)\s+TRIGGER\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?["`]?(\w+)/gi)) {
      if (verb!.toUpperCase() === 'CREATE') triggers.add(name!);
      else triggers.delete(name!);
    }
  }
  return [...triggers];
}

/** IQ: every protective trigger the migrations create is in the database. */
export function triggersCheck(expected: readonly string[]): SelfCheck {
  return {
    id: 'iq.triggers',
    part: 'IQ',
    async run(ctx) {
      const present = new Set((await ctx.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'")).map((r) => r.name));
      const missing = expected.filter((t) => !present.has(t));
      return {
        id: 'iq.triggers',
        part: 'IQ',
        status: missing.length ? 'fail' : 'pass',
        facts: { expected: expected.length, present: expected.length - missing.length },
        findings: missing.map((trigger) => ({ code: 'validationPortal.finding.triggerMissing', params: { trigger } })),
      };
    },
  };
}

/** PQ: the audit trail's chain and MACs verify from its start. */
export const auditChainCheck: SelfCheck = {
  id: 'pq.audit_chain',
  part: 'PQ',
  async run(ctx: UseCaseContext) {
    const verdict = await verifyAuditChain(ctx.db);
    return {
      id: 'pq.audit_chain',
      part: 'PQ',
      status: verdict.ok ? 'pass' : 'fail',
      facts: { entries: verdict.entries },
      findings: verdict.ok ? [] : [{ code: 'validationPortal.finding.auditChainBroken', params: { seq: verdict.firstBrokenSeq } }],
    };
  },
};

/** The first findings of a check are named; the rest counted. */
const namedFindings = 20;

/** PQ: every signed and hashed record still hashes to what was recorded and signed. */
export const signedRecordsCheck: SelfCheck = {
  id: 'pq.signed_records',
  part: 'PQ',
  async run(ctx: UseCaseContext) {
    const found: RecordFinding[] = [];
    const verdict = await verifyRecordHashes(ctx.db, { onFinding: (f) => found.length < namedFindings && found.push(f) });
    const findings: Finding[] = found.map((f) => ({ code: 'validationPortal.finding.recordAltered', params: { type: f.type, id: f.id } }));
    if (verdict.findings > found.length) findings.push({ code: 'validationPortal.finding.moreRecords', params: { count: verdict.findings - found.length } });
    const checked = Object.values(verdict.checked).reduce((n, c) => n + c, 0);
    return { id: 'pq.signed_records', part: 'PQ', status: verdict.ok ? 'pass' : 'fail', facts: { checked, findings: verdict.findings }, findings };
  },
};

/** The self-check's checks, given the migrations' SQL (for the triggers they create). */
export function selfChecks(migrations: readonly { name: string; sql: string }[]): SelfCheck[] {
  return [triggersCheck(triggersOfMigrations(migrations)), auditChainCheck, signedRecordsCheck];
}
