// QA's update and follow-up notices over the real server: the recall page offers the signed form
// to QA on an open recall, refuses a missing change text and a wrong password next to the form,
// and sends the revision; anyone signed out is sent to the sign-in, a distributor to its own
// reply page, a supplier gets 404, the manufacturer's administrator 403, and nothing is written.
// After an update, the distributor's reply page says its reply is needed again, the notice page
// behind the link says what changed, and the dashboard marks the consignee.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { actorFor } from '../support/actors.ts';
import { replyForm } from '../support/reply-form.ts';

const infusionSet = '09506000134352';
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };

describe('update and follow-up notices in the portal', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let recallId: string;
  let token: string;
  let as: Record<'qa' | 'admin' | 'distributor' | 'supplier', BrowserClient>;
  const revisions = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM recall_notice_revisions'))!.n;
  const revise = (client: BrowserClient, fields: Record<string, string>) => client.postForm(`/recalls/${recallId}?/revise`, fields);
  const update = { type: 'update', change: 'Lot L-2 is affected as well: return it.', 'change.zh-CN': '批次 L-2 也受影响：请退回。', hazard: 'Under-infusion; air embolism', password: demoPassword };

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    as = await signedInClients(server, db, {
      qa: 'qa@meridian-medical.example',
      admin: 'admin@meridian-medical.example',
      distributor: 'distributor@rhein-medical.example',
      supplier: 'supplier@suzhou-precision.example',
    });
    const now = new Date();
    const send = async (id: string, type: string, data: unknown) =>
      (await receiveErpEvent(ctx, { webhookId: id, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as { recall: string };
    await send('msg_fsnr_1', 'shipment.dispatched', { shipmentNumber: 'SH-FSNR-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot: 'L-1', quantity: 50 }] });
    recallId = (
      await send('msg_fsnr_2', 'recall.issued', {
        recallNumber: 'FSCA-FSNR-1',
        fsnReference: 'FSN-2026-0042',
        issuedAt: now.toISOString(),
        reason: 'Roller clamp may leak',
        hazard: 'Under-infusion',
        products: [{ gtin: infusionSet, lots: ['L-1'] }],
        responseDeadline: new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10),
      })
    ).recall;
    await sendRecallNotices(ctx, await actorFor(db, 'qa@meridian-medical.example'), { recallId, portalUrl: server.url });
    const notice = (await db.get<{ id: string; link_expires_at: string }>('SELECT id, link_expires_at FROM recall_notices WHERE recall_id = ?', [recallId]))!;
    token = await signNoticeToken(db, notice.id, notice.link_expires_at);
    await submitAcknowledgement(ctx, await actorFor(db, 'distributor@rhein-medical.example'), rp, {
      noticeId: notice.id,
      understood: true,
      holdsStock: true,
      lots: [{ gtin: infusionSet, lot: 'L-1', received: 50, onHand: 50, quarantined: 50, returned: 0, destroyed: 0, subRecipients: [] }],
      form: replyForm(),
      credential: { password: demoPassword },
      locale: 'en',
    });
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('QA sees the FSN reference the ERP gave, revision 1, and the form', async () => {
    const page = await markup(await as.qa.get(`/recalls/${recallId}`));
    expect(page).toContain('Field safety notice FSN-2026-0042');
    expect(page).toContain('New notice (revision 1)');
    expect(page).toContain('action="?/revise"');
  });

  it('refuses anyone signed out, a distributor, a supplier and the administrator, and writes nothing', async () => {
    const signedOut = await revise(new BrowserClient(server.url), update);
    expect([signedOut.status, signedOut.headers.get('location')]).toEqual([303, expect.stringMatching(/^\/login/)]);
    const distributor = await revise(as.distributor, update);
    expect([distributor.status, distributor.headers.get('location')]).toEqual([303, `/recalls/${recallId}/reply`]);
    expect((await revise(as.supplier, update)).status).toBe(404);
    expect((await revise(as.admin, update)).status).toBe(403);
    expect(await revisions()).toBe(0);
  });

  it('says next to the form what is missing, and that a wrong password sent nothing', async () => {
    const blank = await revise(as.qa, { ...update, change: ' ' });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain('Say what changed since the earlier notice.');
    const wrong = await revise(as.qa, { ...update, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The password is wrong: the notice was not sent.');
    await db.run("UPDATE users SET failed_attempts = 0 WHERE email = 'qa@meridian-medical.example'");
    expect(await revisions()).toBe(0);
  });

  it('sends the update; the distributor is asked to reply again, on its page, the notice page and the dashboard', async () => {
    const sent = await revise(as.qa, update);
    expect(sent.status).toBe(200);
    expect(await markup(sent)).toContain('Update 2 sent to 1 consignees (1 e-mails).');
    expect(await revisions()).toBe(1);

    const reply = await markup(await as.distributor.get(`/recalls/${recallId}/reply`));
    expect(reply).toContain('data-testid="reply-needed-again"');
    expect(reply).toContain('Reply needed again: the notice was updated (update 2) after your last reply.');
    expect(reply).toMatch(/Update 2 \(\d{4}-\d{2}-\d{2}\) — supersedes the notice of \d{4}-\d{2}-\d{2}/);
    expect(reply).toContain('Lot L-2 is affected as well: return it.');
    expect(reply).toContain('Under-infusion; air embolism');

    const link = await markup(await new BrowserClient(server.url).get(`/notices/${token}?lang=zh-CN`));
    expect(link).toContain('FSN-2026-0042');
    expect(link).toContain('Lot L-2 is affected as well');

    const staff = await markup(await as.qa.get(`/recalls/${recallId}`));
    expect(staff).toContain('data-testid="reply-needed-again"');
    expect(staff).toContain('data-revision="2" data-type="update"');
  });
});
