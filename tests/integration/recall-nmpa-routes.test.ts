// The NMPA documents route (/recalls/[id]/nmpa/[document].pdf) and the recall page's NMPA section
// over the real server: manufacturer QA and the administrator download each document (Chinese by
// default, English on ?lang=en) as an attachment named after the recall, and the download is
// audited; anyone signed out is sent to sign in; a distributor (even the recall's consignee) and a
// supplier get 404 as for an unknown recall; a recall without a CN-NMPA classification and an
// unknown document are 404 too. The page shows the limits and links the documents only for a
// CN-NMPA recall. (Manufacturer staff see every recall: the model has one manufacturer.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { nmpaDocuments } from '../../shared/recalls/nmpa-limits.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';

const gtin = '09506000999999';

describe('NMPA document routes', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  const ids = {} as Record<'nmpa' | 'fda' | 'late', string>;
  const clients: Record<'qa' | 'admin' | 'distributor' | 'supplier' | 'anonymous', BrowserClient> = {} as never;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    const emails = { qa: 'qa@meridian-medical.example', admin: 'admin@meridian-medical.example', distributor: 'distributor@rhein-medical.example', supplier: 'supplier@suzhou-precision.example' };
    for (const [who, email] of Object.entries(emails) as [keyof typeof emails, string][]) {
      clients[who] = new BrowserClient(server.url);
      await signInDirectly(clients[who], db, email);
    }
    clients.anonymous = new BrowserClient(server.url);
    const now = new Date();
    let n = 0;
    const issue = async (recallNumber: string, classifications: unknown[], extra: Record<string, unknown> = {}) =>
      (
        (
          await receiveErpEvent(ctx, {
            webhookId: `msg_nmpa_routes_${++n}`,
            sentAt: Math.floor(now.getTime() / 1000),
            body: { type: 'recall.issued', timestamp: now.toISOString(), data: { recallNumber, issuedAt: now.toISOString(), reason: 'Roller clamp may leak', hazard: 'Air embolism', classifications, products: [{ gtin, lots: ['DEMO-2601A'] }], ...extra } },
          })
        ).outcome as { recall: string }
      ).recall;
    ids.nmpa = await issue('NMPA-RT-2', [{ jurisdiction: 'CN-NMPA', type: 'recall', class: '2' }]);
    ids.fda = await issue('FDA-RT-1', [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }]);
    // Decided 80 hours ago, level 3 (7 days): not yet at risk; level 2 (3 days): overdue.
    ids.late = await issue('NMPA-RT-LATE', [{ jurisdiction: 'CN-NMPA', type: 'recall', class: '2' }], { decidedAt: new Date(now.getTime() - 80 * 3_600_000).toISOString() });
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('QA and the administrator download each document, in Chinese by default and in English on ?lang=en; each download is audited', async () => {
    const audited = async () => (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'recall.nmpa_document_downloaded' AND entity_id = ?", [ids.nmpa]))!.n;
    const before = await audited();
    for (const who of ['qa', 'admin'] as const) {
      for (const document of nmpaDocuments) {
        const res = await clients[who].get(`/recalls/${ids.nmpa}/nmpa/${document}.pdf`);
        expect(res.status, `${who} ${document}`).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/pdf');
        expect(res.headers.get('cache-control')).toBe('private, no-store');
        expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="NMPA-RT-2-nmpa-${document}-\\d{4}-\\d{2}-\\d{2}\\.pdf"`));
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      }
    }
    const en = await clients.qa.get(`/recalls/${ids.nmpa}/nmpa/plan.pdf?lang=en`);
    expect(en.status).toBe(200);
    await en.arrayBuffer();
    expect(await audited()).toBe(before + 2 * nmpaDocuments.length + 1);
    const last = await db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'recall.nmpa_document_downloaded' ORDER BY seq DESC LIMIT 1");
    expect(JSON.parse(last!.new_values)).toMatchObject({ document: 'plan', locale: 'en' });
  });

  it('the recall page shows the NMPA limits and links the documents for a CN-NMPA recall only', async () => {
    const html = await (await clients.qa.get(`/recalls/${ids.nmpa}`)).text();
    expect(html).toContain('data-testid="nmpa-limits"');
    expect(html).toContain('NMPA time limits (Decree 29)');
    expect(html).toContain('NMPA level II recall');
    const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!.replace(/&amp;/g, '&'), `${server.url}/recalls/${ids.nmpa}`));
    const paths = links.map((u) => u.pathname);
    for (const document of nmpaDocuments) expect(paths).toContain(`/recalls/${ids.nmpa}/nmpa/${document}.pdf`);
    const zh = await (await clients.qa.request(`/recalls/${ids.nmpa}`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } })).text();
    expect(zh).toContain('通知到经营企业、使用单位的期限（第十四条）');
    expect(zh).toContain('二级召回');
    expect(zh).toContain('医疗器械召回事件报告表');

    const fda = await (await clients.qa.get(`/recalls/${ids.fda}`)).text();
    expect(fda).toContain('FDA-RT-1');
    expect(fda).not.toContain('data-testid="nmpa-limits"');
  });

  it('QA’s home page lists the overdue CN-NMPA recall first, linking to it', async () => {
    const html = await (await clients.qa.get('/home')).text();
    const kinds = [...html.matchAll(/data-testid="work-entry" data-kind="(\w+)"/g)].map((m) => m[1]);
    expect(kinds[0]).toBe('recallsNmpaAtRisk');
    const start = html.indexOf('data-kind="recallsNmpaAtRisk"');
    const entry = html.slice(start, html.indexOf('data-testid="work-entry"', start));
    expect(entry).toContain('NMPA recalls: consignees to notify, limit at risk or passed');
    expect(entry).toMatch(new RegExp(`href="[^"]*recalls/${ids.late}"[^>]*>NMPA-RT-LATE</a>`));
    expect(entry).not.toContain('NMPA-RT-2');
  });

  it('refuses anyone signed out, a distributor (even the consignee), a supplier, a recall without CN-NMPA and an unknown document [REQ-NMPA-03]', async () => {
    const path = `/recalls/${ids.nmpa}/nmpa/report-form.pdf`;
    const anonymous = await clients.anonymous.get(path);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
    for (const who of ['distributor', 'supplier'] as const) {
      const res = await clients[who].get(path);
      expect(res.status, who).toBe(404);
      expect(await res.text()).not.toContain('NMPA-RT-2');
    }
    expect((await clients.qa.get(`/recalls/${ids.fda}/nmpa/report-form.pdf`)).status).toBe(404);
    expect((await clients.qa.get(`/recalls/${ids.nmpa}/nmpa/letter.pdf`)).status).toBe(404);
    expect((await clients.qa.get('/recalls/rcl_unknown/nmpa/plan.pdf')).status).toBe(404);
  });
});
