// The validation report's PDF words what its checks measured: no raw code (per_request,
// no_shipped_lot, a record type or problem, true/false) where QA reads it, in English, Chinese and
// German, read back with poppler's pdftotext (an independent reader).
import { describe, expect, it } from 'vitest';
import { pdfTextFlat } from '../../tests/support/pdf-text.ts';
import { defaultPolicy } from '../auth/policy.ts';
import { buildReport } from './build-report.ts';
import { checkResult, finding } from './check.ts';
import { checkCommit } from './check-commit.ts';
import { checkSecuritySettings } from './check-security-settings.ts';
import { renderReportPdf } from './render-report-pdf.ts';

const report = buildReport({
  generatedAt: new Date('2026-12-05T09:00:00.000Z'),
  commit: { commit: '3924b03', source: 'git', modifiedFiles: null },
  environment: { node: 'v20.20.0', tests: 'skipped' },
  checks: [
    checkCommit({ commit: '3924b03', source: 'git', modifiedFiles: null }),
    // PUBLIC_URL not set: cookies are Secure per request.
    checkSecuritySettings({ policy: defaultPolicy, publicUrl: undefined, trustProxy: false }, { keysInstalled: true, currentKeyId: 'k1' }),
    checkResult('iq.keys', 'IQ', { 'as2.a1': 'ab12cd34', 'as2State.a1': 'retired', 'as2Until.a1': '2027-01-31' }, []),
    checkResult('pq.signed_records', 'PQ', { 'checked.supplier_approval': 4 }, [finding('record_altered', { type: 'supplier_approval', id: 'asl_7', problem: 'signature_removed' })]),
    checkResult('pq.recall_drill', 'PQ', { reason: 'no_shipped_lot' }, [], true),
  ],
  requirements: [],
  clauses: [],
});

const rawCodes = /per_request|no_shipped_lot|supplier_approval|signature_removed|\btrue\b|\bfalse\b/;
// In Chinese and German not even the English words of a value: skipped, retired, git, unknown.
const rawInOther = /per_request|no_shipped_lot|supplier_approval|signature_removed|\btrue\b|\bfalse\b|\bretired\b|\bgit\b|\bunknown\b|Skipped/;

describe('renderReportPdf', () => {
  it('words the facts’ and findings’ codes from the catalogues [REQ-VAL-01]', async () => {
    const en = pdfTextFlat(await renderReportPdf(report, 'en'));
    expect(en).toContain('Secure session cookies When the request arrives over HTTPS (PUBLIC_URL is not set)');
    expect(en).toContain('Trusts a TLS proxy (TRUST_PROXY) No');
    expect(en).toContain('Keys outside the database installed Yes');
    expect(en).toContain('Commit read from Git checkout');
    // Labels wrap in their column: the value follows within the line.
    expect(en).toMatch(/Tracked files changed since the Unknown commit/);
    expect(en).toMatch(/Records recomputed: approved 4 supplier list entry/);
    expect(en).toContain('Signed record approved supplier list entry asl_7 fails its hash check (signature removed).');
    expect(en).toContain('Why not run No lot has been shipped to a distributor yet');
    expect(en).toContain('Tests Skipped');
    expect(en).toContain('AS2 certificate state a1 retired');
    expect(en).toContain('AS2 certificate valid until a1 2027-01-31');
    expect(en.replace(/PUBLIC_URL|TRUST_PROXY|LOTBRIDGE_COMMIT/g, '')).not.toMatch(rawCodes);

    const zh = pdfTextFlat(await renderReportPdf(report, 'zh-CN')).replace(/ /g, '');
    for (const text of ['尚无已发运给经销商的批次', '请求经HTTPS到达时（未设置PUBLIC_URL）', '合格供应商名录条目', '签名已被移除', 'Git检出']) expect(zh).toContain(text);
    expect(zh.replace(/PUBLIC_URL|TRUST_PROXY|LOTBRIDGE_COMMIT/g, '')).not.toMatch(rawInOther);

    const de = pdfTextFlat(await renderReportPdf(report, 'de'));
    for (const text of ['Noch keine Charge an einen Händler versandt', 'Eintrag der Liste zugelassener Lieferanten', 'Signatur entfernt']) expect(de).toContain(text);
    expect(de.replace(/PUBLIC_URL|TRUST_PROXY|LOTBRIDGE_COMMIT/g, '')).not.toMatch(rawInOther);
  });
});
