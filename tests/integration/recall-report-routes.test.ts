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

    const noNote = await clients.qa.postForm(`/recalls/${recallId}/effectiveness?/record`, { distributorOrganisationId: rheinId, outcome: 'ineffective', note: '' });
    expect(noNote.status).toBe(400);
    expect(await noNote.text()).toContain('a note is required when the recall was ineffective');

    const ok = await clients.qa.postForm(`/recalls/${recallId}/effectiveness?/record`, { distributorOrganisationId: rheinId, outcome: 'effective', note: 'Called; stock quarantined' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Outcome recorded for Rhein Medical Distribution GmbH.');
    expect(await db.get('SELECT outcome, note FROM recall_effectiveness_checks WHERE recall_id = ?', [recallId])).toEqual({ outcome: 'effective', note: 'Called; stock quarantined' });

    // The administrator sees the page but cannot draw or record.
    const admin = await clients.admin.postForm(`/recalls/${recallId}/effectiveness?/record`, { distributorOrganisationId: rheinId, outcome: 'ineffective', note: 'x' });
    expect(admin.status).toBe(403);
    expect(await db.get('SELECT outcome FROM recall_effectiveness_checks WHERE recall_id = ?', [recallId])).toEqual({ outcome: 'effective' });
  });
});
