// The recall status report endpoints and the effectiveness-check page over the real server:
// manufacturer staff download the CSV (UTF-8 with BOM, in their language) and the PDF as
// attachments named after the recall; a distributor or supplier gets 404 as for an unknown
// recall; QA draws the sample and records an outcome through the page's form actions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';

const infusionSet = '09506000134352';
const qaEmail = 'qa@meridian-medical.example';

describe('recall status report routes', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let recallId: string;
  let rheinId: string;
  const clients: Record<'qa' | 'admin' | 'distributor' | 'supplier', BrowserClient> = {} as never;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    const emails = { qa: qaEmail, admin: 'admin@meridian-medical.example', distributor: 'distributor@rhein-medical.example', supplier: 'supplier@suzhou-precision.example' };
    for (const [who, email] of Object.entries(emails) as [keyof typeof emails, string][]) {
      clients[who] = new BrowserClient(server.url);
      await signInDirectly(clients[who], db, email);
    }
    rheinId = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;

    const now = new Date();
    const send = async (id: string, type: string, data: unknown) =>
      (await receiveErpEvent(ctx, { webhookId: id, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as { recall: string };
    await send('msg_rr_1', 'shipment.dispatched', { shipmentNumber: 'SH-RR-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot: 'L-RR', quantity: 24 }] });
    recallId = (
      await send('msg_rr_2', 'recall.issued', {
        recallNumber: 'FSCA-RR-7',
        issuedAt: now.toISOString(),
        reason: 'Roller clamp may leak',
        hazard: 'Under-infusion',
        products: [{ gtin: infusionSet, lots: ['L-RR'] }],
        responseDeadline: new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10),
        effectivenessLevel: 'A',
      })
    ).recall;
    const qa = await db.get<{ id: string; display_name: string; organisation_id: string }>(
      'SELECT u.id, u.display_name, m.organisation_id FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = ?',
      [qaEmail],
    );
    const actor: Actor = {
      userId: qa!.id,
      email: qaEmail,
      displayName: qa!.display_name,
      organisationId: qa!.organisation_id,
      organisationName: 'Meridian',
      organisationKind: 'manufacturer',
      role: 'manufacturer_qa',
    };
    await sendRecallNotices(ctx, actor, { recallId, portalUrl: server.url });
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('QA downloads the CSV: text/csv, an attachment named after the recall, UTF-8 with BOM, in the reader’s language', async () => {
    const res = await clients.qa.get(`/recalls/${recallId}/report.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="FSCA-RR-7-status-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.subarray(3));
    expect(text).toContain('# recall_number,FSCA-RR-7\r\n');
    expect(text).toContain('# consignees,1\r\n');
    expect(text).toContain('Consignee,ERP number,');
    expect(text).toContain(`Rhein Medical Distribution GmbH,C-20001,distributor@rhein-medical.example,`);

    const zh = await clients.qa.request(`/recalls/${recallId}/report.csv`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(zh.status).toBe(200);
    expect(await zh.text()).toContain('收货方,ERP 编号,收件人');
  });

  it('QA and the administrator download the PDF', async () => {
    for (const who of ['qa', 'admin'] as const) {
      const res = await clients[who].get(`/recalls/${recallId}/report.pdf`);
      expect(res.status, who).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="FSCA-RR-7-status-\d{4}-\d{2}-\d{2}\.pdf"/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    }
  });

  it('the recall page shows the dashboard: figure cards, the chart as an image with a text alternative and a table, the lots, the report links', async () => {
    const res = await clients.qa.get(`/recalls/${recallId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="recall-dashboard"');
    expect(html).toMatch(/data-testid="figure-consignees"[^>]*>\s*<span class="value[^"]*">1<\/span>/);
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-label="Responses over time: by \d{4}-\d{2}-\d{2}, 0 of 1 consignees acknowledged and 0 opened the notice\."/);
    expect(html).toContain('Show the figures as a table');
    expect(html).toContain(`data-gtin="${infusionSet}" data-lot="L-RR" data-shipped="24" data-accounted="0"`);
    expect(html).toContain('0 of 24 accounted for');
    // SvelteKit writes the links relative to the page (paths.relative): ./<id>/report.csv under /recalls/.
    const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!.replace(/&amp;/g, '&'), `${server.url}/recalls/${recallId}`).pathname);
    expect(links).toEqual(expect.arrayContaining([`/recalls/${recallId}/report.csv`, `/recalls/${recallId}/report.pdf`, `/recalls/${recallId}/effectiveness`]));
  });

  it('a distributor (even a consignee of the recall) and a supplier get 404, as for an unknown recall', async () => {
    for (const who of ['distributor', 'supplier'] as const) {
      for (const path of [`/recalls/${recallId}/report.csv`, `/recalls/${recallId}/report.pdf`, `/recalls/${recallId}/effectiveness`]) {
        const res = await clients[who].get(path);
        expect(res.status, `${who} ${path}`).toBe(404);
        expect(await res.text()).not.toContain('FSCA-RR-7');
      }
    }
    expect((await clients.qa.get('/recalls/rcl_unknown/report.csv')).status).toBe(404);
    expect((await clients.qa.get('/recalls/rcl_unknown/report.pdf')).status).toBe(404);
  });

  it('QA draws the effectiveness sample and records an outcome on the page; a missing note is refused', async () => {
    const page = await clients.qa.get(`/recalls/${recallId}/effectiveness`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Effectiveness checks');

    const drawn = await clients.qa.postForm(`/recalls/${recallId}/effectiveness?/draw`, {});
    expect(drawn.status).toBe(200);
    expect(await drawn.text()).toContain('Consignees drawn: 1.');
    expect(await db.all('SELECT distributor_organisation_id AS org, outcome FROM recall_effectiveness_checks WHERE recall_id = ?', [recallId])).toEqual([{ org: rheinId, outcome: null }]);

    const noNote = await clients.qa.postForm(`/recalls/${recallId}/effectiveness?/record`, { distributorOrganisationId: rheinId, outcome: 'ineffective', method: 'phone', note: '', password: demoPassword });
    expect(noNote.status).toBe(400);
    expect(await noNote.text()).toContain('a note is required when the recall was ineffective');

    const ok = await clients.qa.postForm(`/recalls/${recallId}/effectiveness?/record`, { distributorOrganisationId: rheinId, outcome: 'effective', method: 'phone', note: 'Called; stock quarantined', password: demoPassword });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Outcome recorded for Rhein Medical Distribution GmbH.');
    expect(await db.get('SELECT outcome, note FROM recall_effectiveness_checks WHERE recall_id = ?', [recallId])).toEqual({ outcome: 'effective', note: 'Called; stock quarantined' });
    // The page lists the kept record with its contact method and signer.
    expect(await (await clients.qa.get(`/recalls/${recallId}/effectiveness`)).text()).toMatch(/data-testid="check-records"[\s\S]*data-method="phone"[^>]*>\s*\d{4}-\d{2}-\d{2}: Effective \(Telephone\), signed by /);

    // The administrator sees the page but cannot draw or record.
    const admin = await clients.admin.postForm(`/recalls/${recallId}/effectiveness?/record`, { distributorOrganisationId: rheinId, outcome: 'ineffective', method: 'phone', note: 'x', password: demoPassword });
    expect(admin.status).toBe(403);
    expect(await db.get('SELECT outcome FROM recall_effectiveness_checks WHERE recall_id = ?', [recallId])).toEqual({ outcome: 'effective' });
  });
  it('QA sets the estimated completion date (audited); the status report shows it; nobody else can [REQ-RCL-STATUS-01]', async () => {
    const anonymous = new BrowserClient(server.url);
    const signedOut = await anonymous.postForm(`/recalls/${recallId}?/estimate`, { estimatedCompletionOn: '2030-01-31' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toMatch(/^\/login\?/);
    // A distributor's post is refused by the use case, then its page load sends it to its reply page; a supplier gets 404.
    expect((await clients.distributor.postForm(`/recalls/${recallId}?/estimate`, { estimatedCompletionOn: '2030-01-31' })).status).toBe(303);
    expect((await clients.supplier.postForm(`/recalls/${recallId}?/estimate`, { estimatedCompletionOn: '2030-01-31' })).status).toBe(404);
    expect((await clients.admin.postForm(`/recalls/${recallId}?/estimate`, { estimatedCompletionOn: '2030-01-31' })).status).toBe(403);
    expect(await db.get('SELECT estimated_completion_on AS d FROM recalls WHERE id = ?', [recallId])).toEqual({ d: null });

    const bad = await clients.qa.postForm(`/recalls/${recallId}?/estimate`, { estimatedCompletionOn: '2020-01-01' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('The estimated completion cannot be before the recall was issued.');
    const ok = await clients.qa.postForm(`/recalls/${recallId}?/estimate`, { estimatedCompletionOn: '2030-01-31' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('The estimated completion is saved.');
    expect(await db.get('SELECT estimated_completion_on AS d FROM recalls WHERE id = ?', [recallId])).toEqual({ d: '2030-01-31' });
    const audit = await db.get<{ old_values: string; new_values: string }>("SELECT old_values, new_values FROM audit_log WHERE action = 'recall.estimated_completion_set' AND entity_id = ?", [recallId]);
    expect([JSON.parse(audit!.old_values), JSON.parse(audit!.new_values)]).toEqual([{ estimatedCompletionOn: null }, { estimatedCompletionOn: '2030-01-31' }]);
    const csv = await (await clients.qa.get(`/recalls/${recallId}/report.csv`)).text();
    expect(csv).toContain('# estimated_completion_on,2030-01-31\r\n');
  });

  it('the termination request package (21 CFR 7.55): manufacturer staff download it; anyone else is refused [REQ-RCL-TERM-01]', async () => {
    for (const who of ['qa', 'admin'] as const) {
      const res = await clients[who].get(`/recalls/${recallId}/termination.pdf`);
      expect(res.status, who).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="FSCA-RR-7-termination-\d{4}-\d{2}-\d{2}\.pdf"/);
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    }
    for (const who of ['distributor', 'supplier'] as const) {
      const res = await clients[who].get(`/recalls/${recallId}/termination.pdf`);
      expect(res.status, who).toBe(404);
      expect(await res.text()).not.toContain('FSCA-RR-7');
    }
    const anonymous = await new BrowserClient(server.url).get(`/recalls/${recallId}/termination.pdf`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?/);
    expect((await clients.qa.get('/recalls/rcl_unknown/termination.pdf')).status).toBe(404);
    // The recall page links to it.
    expect(await (await clients.qa.get(`/recalls/${recallId}`)).text()).toContain('data-testid="termination-pdf"');
  });

  it('recording an effectiveness outcome is refused when signed out, to a distributor and to a supplier', async () => {
    const before = await db.get('SELECT COUNT(*) AS n FROM recall_effectiveness_outcomes');
    const form = { distributorOrganisationId: rheinId, outcome: 'ineffective', method: 'visit', note: 'x', password: demoPassword };
    const signedOut = await new BrowserClient(server.url).postForm(`/recalls/${recallId}/effectiveness?/record`, form);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toMatch(/^\/login\?/);
    for (const who of ['distributor', 'supplier'] as const) expect((await clients[who].postForm(`/recalls/${recallId}/effectiveness?/record`, form)).status, who).toBe(404);
    expect(await db.get('SELECT COUNT(*) AS n FROM recall_effectiveness_outcomes')).toEqual(before);
  });
});
