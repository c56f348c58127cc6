// A recall notice for a distributor that is an EDI partner: beside the mail, the field safety
// notice PDFs (one per notice language) are queued over AS2 to its partner profile in the
// release's own transaction, related to the notice; a distributor reachable only over AS2 is
// not "without an address"; recall.notice_sent says so and validates against its schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { addAs2OnlyDistributor } from '../support/edi-partner.ts';
import { actorFor } from '../support/actors.ts';

const gtin = '09506000134352';

describe('recall notices over AS2', () => {
  let t: TestDatabase;
  let recallId: string;
  let partnerId: string;
  let alpen: string;

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    // A distributor known only as an EDI partner: no portal user, no recall contact.
    ({ partnerId, organisationId: alpen } = await addAs2OnlyDistributor(t.ctx, 'C-20002'));
    let n = 0;
    const send = async (type: string, data: unknown) =>
      (await receiveErpEvent(t.ctx, { webhookId: `msg_ra_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } })).outcome;
    await send('shipment.dispatched', { shipmentNumber: 'SH-RA-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin, lot: 'L-AS2', quantity: 10 }] });
    await send('shipment.dispatched', { shipmentNumber: 'SH-RA-2', distributor: { erpId: 'C-20002' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin, lot: 'L-AS2', quantity: 4 }] });
    recallId = ((await send('recall.issued', { recallNumber: 'FSCA-RA-1', issuedAt: t.clock.now().toISOString(), reason: 'Leak', hazard: 'Under-infusion', products: [{ gtin, lots: ['L-AS2'] }], noticeLanguages: ['en', 'zh-CN'] })) as { recall: string }).recall;
  });
  afterAll(() => t?.close());

  it('queues the notice PDFs over AS2 for the EDI partner, with the notice, in one transaction', async () => {
    const sent = await sendRecallNotices(t.ctx, await actorFor(t.db, 'qa@meridian-medical.example'), { recallId, portalUrl: 'http://portal.test' });
    expect(sent).toMatchObject({ notices: 2, mails: 1, withoutAddress: [] });
    const notice = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE distributor_organisation_id = ?', [alpen]))!;
    const queued = await t.db.all<{ partner_id: string; filename: string; content_type: string; purpose: string; relates_to_type: string; relates_to_id: string; payload: ArrayBuffer; state: string }>(
      'SELECT partner_id, filename, content_type, purpose, relates_to_type, relates_to_id, payload, state FROM as2_outbound_messages ORDER BY filename',
    );
    expect(queued.map((q) => [q.partner_id, q.filename, q.content_type, q.purpose, q.relates_to_type, q.relates_to_id, q.state])).toEqual([
      [partnerId, 'field-safety-notice-FSCA-RA-1-en.pdf', 'application/pdf', 'recall_notice', 'recall_notice', notice.id, 'queued'],
      [partnerId, 'field-safety-notice-FSCA-RA-1-zh-CN.pdf', 'application/pdf', 'recall_notice', 'recall_notice', notice.id, 'queued'],
    ]);
    expect(Buffer.from(queued[0]!.payload).subarray(0, 5).toString()).toBe('%PDF-');

    const events = await t.db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = 'recall.notice_sent' ORDER BY position",
    );
    const data = events.map((e) => validateEvent(JSON.parse(webhookBody(e)), 'outbound').data);
    expect(data.map((d) => [(d.distributor as { erpId: string }).erpId, d.method, d.as2])).toEqual([
      ['C-20002', 'as2', true],
      ['C-20001', 'email', false],
    ]);
  });
});
