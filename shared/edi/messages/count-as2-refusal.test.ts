import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../tests/support/database.ts';
import { as2RefusalAuditCap, as2RefusalTotals, countAs2Refusal, type As2RefusalReason } from './count-as2-refusal.ts';

let t: TestDatabase;

beforeEach(async () => {
  t = await testDatabase();
});
afterEach(() => t.close());

const refuse = (source: string, reason: As2RefusalReason = 'unknown_partner') =>
  countAs2Refusal(t.ctx, { source, reason, text: 'unknown AS2-From "X"', values: { as2From: 'X' } });

async function auditedRefusals(): Promise<number> {
  const row = await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'as2.message_refused'");
  return row!.n;
}

describe('refused AS2 requests, counted per source and audited sparingly', () => {
  it('counts an IPv6 sender by its /64: rotating addresses inside it adds one audit entry, and one row that keeps counting', async () => {
    for (let i = 1; i <= 500; i++) await refuse(`2001:db8::${i.toString(16)}`);
    expect(await auditedRefusals()).toBe(1);
    const rows = await t.db.all<{ source: string; count: number }>('SELECT source, count FROM as2_refusals');
    expect(rows).toEqual([{ source: '2001:db8:0:0::/64', count: 500 }]);
    // The same sender, written IPv4-mapped or not, is one source too.
    await refuse('::ffff:198.51.100.7');
    await refuse('198.51.100.7');
    expect(await auditedRefusals()).toBe(2);
  });

  it('audits at most the cap of one reason per hour across all sources, while every refusal is counted', async () => {
    for (let i = 1; i <= 100; i++) await refuse(`198.51.100.${i}`);
    expect(as2RefusalAuditCap).toBeLessThan(100);
    expect(await auditedRefusals()).toBe(as2RefusalAuditCap);
    expect(await as2RefusalTotals(t.db)).toEqual([{ reason: 'unknown_partner', count: 100 }]);
    // The last audited entry says that the rest of the hour is only counted.
    const last = await t.db.get<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'as2.message_refused' ORDER BY seq DESC LIMIT 1");
    expect(last!.reason).toContain('from any source');

    // Another reason has its own cap; the next hour starts afresh.
    await refuse('198.51.100.1', 'bad_headers');
    expect(await auditedRefusals()).toBe(as2RefusalAuditCap + 1);
    t.clock.advance(3_600_000);
    await refuse('198.51.100.1');
    expect(await auditedRefusals()).toBe(as2RefusalAuditCap + 2);
  });
});
