// The distributor's reply carries what the MDCG 2023-3 customer reply form asks, on a real
// SQLite file: the signer's function and phone, all actions completed (and then the quantities
// must add up), customers informed agreeing with the list of them, "I have a question, contact
// me" (mailed to the manufacturer's QA, on the dashboard row and in the event), units corrected,
// and serial-tracked units answered per serial against the serials shipped. Each refusal names
// its field; the receipt PDF says it all in English, Chinese and German; a correction's audit
// entry carries the version it replaces; the record hashes still verify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createRecall } from '../../shared/recalls/create-recall.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement, type AcknowledgementInput } from '../../shared/recalls/submit-acknowledgement.ts';
import { getAcknowledgement } from '../../shared/recalls/get-acknowledgement.ts';
import { getRecallDashboard } from '../../shared/recalls/get-recall-dashboard.ts';
import { getRecallStatusReport } from '../../shared/recalls/recall-status-report.ts';
import { renderReceiptPdf } from '../../shared/recalls/render-receipt-pdf.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { refusal } from '../support/refusal.ts';
import { replyForm } from '../support/reply-form.ts';
import { mailText } from '../support/mail.ts';
import { pdfText } from '../support/pdf-text.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const infusionSet = '09506000134352';
const catheter = '09506000134369';

async function lastEvent(db: Db, type: string): Promise<Record<string, unknown>> {
  const r = (await db.get<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
    'SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = ? ORDER BY position DESC LIMIT 1',
    [type],
  ))!;
  return validateEvent(JSON.parse(webhookBody(r)), 'outbound').data;
}

describe('the MDCG 2023-3 customer reply', () => {
  let t: TestDatabase;
  const as: Record<string, Actor> = {};
  let recallId: string;
  let noticeId: string;
  const replies = () => t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM recall_acknowledgements');

  // Rhein received 100 of lot L-A and four catheters without a lot, tracked by serial.
  const reply = (over: Partial<AcknowledgementInput> = {}): AcknowledgementInput => {
    const lots = over.lots ?? [
      { gtin: infusionSet, lot: 'L-A', received: 100, onHand: 60, quarantined: 60, returned: 0, destroyed: 0, corrected: 0, subRecipients: [{ name: 'Klinikum Süd', quantity: 40, notifiedOn: '2026-03-02' }] },
      { gtin: catheter, lot: null, received: 4, onHand: 4, quarantined: 4, returned: 0, destroyed: 0, corrected: 0, subRecipients: [] },
    ];
    return { noticeId, understood: true, holdsStock: true, lots, form: replyForm(lots), credential: { password: demoPassword }, locale: 'en', ...over };
  };

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    for (const email of ['qa@meridian-medical.example', 'distributor@rhein-medical.example']) as[email.split('@')[0]!] = await actorFor(t.db, email);
    await receiveErpEvent(t.ctx, {
      webhookId: 'msg_rf_1',
      sentAt: Math.floor(t.clock.now().getTime() / 1000),
      body: {
        type: 'shipment.dispatched',
        timestamp: t.clock.now().toISOString(),
        data: {
          shipmentNumber: 'SH-RF-1',
          distributor: { erpId: 'C-20001' },
          dispatchedAt: '2026-02-10T08:00:00Z',
          lines: [
            { gtin: infusionSet, lot: 'L-A', quantity: 100 },
            { gtin: catheter, serials: ['SN-1', 'SN-2', 'SN-3', 'SN-4', 'SN-5'], quantity: 5 },
          ],
        },
      },
    });
    recallId = (
      await createRecall(t.ctx, as.qa!, rp, {
        recallNumber: 'FSCA-RF-1',
        classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }],
        reason: 'Roller clamp may leak',
        hazard: 'Under-infusion',
        actions: ['quarantine', 'return'],
        instructionText: '',
        products: [
          { gtin: infusionSet, lots: ['L-A'] },
          { gtin: catheter, serials: ['SN-1', 'SN-2', 'SN-3', 'SN-4'] },
        ],
        responseDeadline: '2026-03-12',
        effectivenessLevel: 'C',
        noticeLanguages: ['en', 'zh-CN'],
        credential: { password: demoPassword },
      })
    ).recallId;
    await sendRecallNotices(t.ctx, as.qa!, { recallId, portalUrl: 'http://portal.test' });
    noticeId = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, as.distributor!.organisationId]))!.id;
  });

  afterAll(() => t?.close());

  it('the serial-tracked line is the catheter without a lot, with the four serials recalled', async () => {
    expect(await t.db.all('SELECT gtin, lot, quantity_shipped AS quantity, serials FROM recall_consignees WHERE recall_id = ? ORDER BY gtin', [recallId])).toEqual([
      { gtin: infusionSet, lot: 'L-A', quantity: 100, serials: '[]' },
      { gtin: catheter, lot: null, quantity: 4, serials: '["SN-1","SN-2","SN-3","SN-4"]' },
    ]);
  });

  it("refuses a reply without the signer's function and phone, or without the two answers, each problem on its field [REQ-MDCG-REPLY-01]", async () => {
    const e = await refusal(
      submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ form: { actionsCompleted: null, customersInformed: null, contactRequested: false, question: 'Who collects the units?', signerFunction: ' ', signerPhone: '' } })),
    );
    expect(e.problems).toEqual({
      signerFunction: { code: 'replyForm.functionRequired' },
      signerPhone: { code: 'replyForm.phoneRequired' },
      actionsCompleted: { code: 'replyForm.actionsCompletedRequired' },
      customersInformed: { code: 'replyForm.customersInformedRequired' },
      question: { code: 'replyForm.questionWithoutContact' },
    });
    for (const phone of ['call me', '12', '+49 (221) 555-0100 ext 7']) {
      expect((await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ form: replyForm(reply().lots, { signerPhone: phone }) })))).problems, phone).toEqual({
        signerPhone: { code: 'replyForm.phoneInvalid' },
      });
    }
    const blankCorrected = reply();
    blankCorrected.lots[0] = { ...blankCorrected.lots[0]!, corrected: Number.NaN };
    expect((await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, blankCorrected))).problems).toEqual({ 'lots/0/corrected': { code: 'reply.count' } });
    expect(await replies()).toEqual({ n: 0 });
  });

  it('customers informed agrees with the list of customers told', async () => {
    const informedNobody = await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ form: replyForm([], { customersInformed: 'yes' }), lots: reply().lots.map((l) => ({ ...l, received: l.received - (l.lot ? 40 : 0), subRecipients: [] })) })));
    expect(informedNobody.problems).toEqual({ customersInformed: { code: 'replyForm.informedWithoutList' } });
    for (const answer of ['no', 'not_applicable'] as const) {
      expect((await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ form: replyForm([], { customersInformed: answer }) })))).problems, answer).toEqual({
        customersInformed: { code: 'replyForm.listedButNotInformed', params: { customers: 1 } },
      });
    }
    expect(await replies()).toEqual({ n: 0 });
  });

  it('all actions completed: nothing on hand unquarantined or kept against a return, every unit accounted for, customers informed [REQ-MDCG-REPLY-01]', async () => {
    const completed = (lots: AcknowledgementInput['lots'], informed: 'yes' | 'no' | 'not_applicable' = 'yes') =>
      refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ lots, form: replyForm(lots, { actionsCompleted: true, customersInformed: informed }) })));
    const [la, cat] = reply().lots as [AcknowledgementInput['lots'][number], AcknowledgementInput['lots'][number]];

    // L-A: 60 on hand, 50 quarantined; the catheters: one unaccounted for.
    const open = await completed([{ ...la, quarantined: 50 }, { ...cat, onHand: 0, quarantined: 0, returned: 3 }]);
    expect(open.problems).toEqual({
      'lots/0/onHand': { code: 'replyForm.completedUnquarantined', params: { onHand: 60, quarantined: 50 } },
      'lots/1/received': { code: 'replyForm.completedUnaccounted', params: { received: 4, accounted: 3 } },
      actionsCompleted: { code: 'replyForm.completedInconsistent' },
    });
    // The notice asks for return: quarantined stock still on hand is not "completed".
    const kept = await completed([{ ...la, onHand: 60, quarantined: 60 }, { ...cat, onHand: 0, quarantined: 0, returned: 4 }]);
    expect(kept.problems).toEqual({ 'lots/0/onHand': { code: 'replyForm.completedStillOnHand', params: { onHand: 60 } }, actionsCompleted: { code: 'replyForm.completedInconsistent' } });
    const done = [{ ...la, onHand: 0, quarantined: 0, returned: 95, corrected: 5, subRecipients: [] }, { ...cat, onHand: 0, quarantined: 0, returned: 4 }];
    expect((await completed(done, 'no')).problems).toEqual({ customersInformed: { code: 'replyForm.completedNotInformed' } });
    // Corrected units count towards what was received.
    const over = await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ lots: [{ ...la, onHand: 0, quarantined: 0, returned: 60, corrected: 5 }, cat] })));
    expect(over.problems).toEqual({ 'lots/0/received': { code: 'replyForm.accountedOverReceived', params: { received: 100, accounted: 105, corrected: 5 } } });
    expect(await replies()).toEqual({ n: 0 });
  });

  it('a serial-tracked line answered per serial is checked against the serials shipped on it [REQ-MDCG-REPLY-01]', async () => {
    const [la, cat] = reply().lots as [AcknowledgementInput['lots'][number], AcknowledgementInput['lots'][number]];
    const bad = await refusal(
      submitAcknowledgement(t.ctx, as.distributor!, rp, reply({
        lots: [
          { ...la, serials: { returned: ['SN-1'] } },
          // SN-5 was shipped but not recalled; SN-9 never shipped; SN-2 on hand and returned; SN-4 quarantined, not on hand; 3 on hand against 2 listed.
          { ...cat, onHand: 3, quarantined: 2, returned: 1, serials: { onHand: ['SN-1', 'SN-2'], quarantined: ['SN-1', 'SN-4'], returned: ['SN-2'], destroyed: ['SN-5', 'SN-9'] } },
        ],
      })),
    );
    expect(bad.problems).toEqual({
      'lots/0/serials': { code: 'replyForm.serialsNotShipped' },
      'lots/1/serials/destroyed': { code: 'replyForm.serialUnknown', params: { serials: 'SN-5, SN-9' } },
      'lots/1/serials/returned': { code: 'replyForm.serialTwice', params: { serials: 'SN-2' } },
      'lots/1/serials/quarantined': { code: 'replyForm.serialQuarantinedNotOnHand', params: { serials: 'SN-4' } },
      'lots/1/onHand': { code: 'replyForm.serialCount', params: { count: 3, listed: 2 } },
      'lots/1/destroyed': { code: 'replyForm.serialCount', params: { count: 0, listed: 2 } },
    });
    expect(await replies()).toEqual({ n: 0 });
  });

  it('a list of serials longer than the serials shipped on its line is refused before anything else is checked, the password included', async () => {
    const [la, cat] = reply().lots as [AcknowledgementInput['lots'][number], AcknowledgementInput['lots'][number]];
    // The four catheters shipped; 200,000 made-up serials under each of two outcomes: one cheap refusal, no comparison of the lists.
    const many = Array.from({ length: 200_000 }, (_, i) => `X-${i}`);
    const e = await refusal(
      submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ lots: [la, { ...cat, onHand: 0, quarantined: 0, serials: { onHand: many, quarantined: many } }], credential: { password: 'not the password' } })),
    );
    expect(e.problems).toEqual({
      'lots/1/serials/onHand': { code: 'replyForm.serialsTooMany', params: { max: 4 } },
      'lots/1/serials/quarantined': { code: 'replyForm.serialsTooMany', params: { max: 4 } },
    });
    expect(await replies()).toEqual({ n: 0 });
  });

  it('a question for QA: mailed to the manufacturer’s QA, on the dashboard row and in the event, with the serials and the signer', async () => {
    const lots = reply().lots.map((l) =>
      l.lot ? l : { ...l, onHand: 2, quarantined: 2, returned: 1, corrected: 1, serials: { onHand: ['SN-2', 'SN-1'], quarantined: ['SN-1', 'SN-2'], returned: ['SN-3'], corrected: [' SN-4 '] } },
    );
    const form = replyForm(lots, { contactRequested: true, question: 'Can you collect the quarantined units from our Köln warehouse?', signerFunction: 'Head of quality', signerPhone: '+49 221 555 0100' });
    const v1 = await submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ lots, form }));
    expect(v1.version).toBe(1);

    const mails = await t.db.all<{ id: string; to_address: string; subject: string; text_body: string }>("SELECT id, to_address, subject, text_body FROM mail_messages WHERE purpose = 'recall.question'");
    expect(mails.map((m) => m.to_address)).toEqual(['qa@meridian-medical.example']);
    expect(mails[0]!.subject).toBe('Recall FSCA-RF-1: Rhein Medical Distribution GmbH asks to be contacted');
    for (const text of ['Can you collect the quarantined units from our Köln warehouse?', 'Function: Head of quality', 'Phone: +49 221 555 0100', 'distributor@rhein-medical.example']) expect(mailText(t.db, mails[0]!)).toContain(text);

    const row = (await getRecallDashboard(t.ctx, as.qa!, recallId)).consignees.find((c) => c.organisationId === as.distributor!.organisationId)!;
    expect(row.replyForm).toEqual({ actionsCompleted: false, customersInformed: 'yes', contactRequested: true, question: 'Can you collect the quarantined units from our Köln warehouse?', signerFunction: 'Head of quality', signerPhone: '+49 221 555 0100' });

    const event = await lastEvent(t.db, 'recall.acknowledged');
    expect(event).toMatchObject({ contactRequested: true, question: 'Can you collect the quarantined units from our Köln warehouse?', signerFunction: 'Head of quality', signerPhone: '+49 221 555 0100', actionsCompleted: false, customersInformed: 'yes' });
    expect((event.lots as unknown[])[1]).toMatchObject({ corrected: 1, serials: { onHand: ['SN-1', 'SN-2'], quarantined: ['SN-1', 'SN-2'], returned: ['SN-3'], destroyed: [], corrected: ['SN-4'] } });

    const stored = await getAcknowledgement(t.db, as.distributor!, v1.acknowledgementId);
    expect(stored.hashIntact).toBe(true);
    expect(stored.lots.find((l) => l.lot === null)).toMatchObject({ corrected: 1, serials: { onHand: ['SN-1', 'SN-2'], corrected: ['SN-4'] } });
    const verdict = await verifyRecordHashes(t.db);
    expect(verdict).toMatchObject({ ok: true, findings: 0 });
    expect(verdict.checked.recall_acknowledgement).toBe(1);
    const status = await getRecallStatusReport(t.ctx, as.qa!, recallId);
    expect(status.rows.find((r) => r.gtin === catheter)).toMatchObject({ corrected: 1, accountedFor: 4 });
  });

  it('the receipt PDF shows the function, phone, corrected units, serials and answers in English, Chinese and German [REQ-I18N-01]', async () => {
    const id = (await t.db.get<{ id: string }>('SELECT id FROM recall_acknowledgements WHERE notice_id = ? AND version = 1', [noticeId]))!.id;
    const ack = await getAcknowledgement(t.db, null, id);
    const expected = {
      en: ['Function: Head of quality', 'Phone: +49 221 555 0100', 'Corrected on site: 1', 'Serials corrected: SN-4', 'All actions completed: no', 'Customers informed: yes', 'Question: Can you collect'],
      'zh-CN': ['职务：Head of quality', '电话：+49 221 555 0100', '已现场纠正：1', '已纠正的序列号：SN-4', '所有措施均已完成：否', '已通知下游客户：是'],
      de: ['Funktion: Head of quality', 'Telefon: +49 221 555 0100', 'Vor Ort korrigiert: 1', 'Seriennummern korrigiert: SN-4', 'Alle Maßnahmen abgeschlossen: nein', 'Kunden informiert: ja'],
    } as const;
    for (const [locale, texts] of Object.entries(expected) as [keyof typeof expected, readonly string[]][]) {
      const text = pdfText(await renderReceiptPdf(ack, locale));
      for (const s of texts) expect(text, `${locale}: ${s}`).toContain(s);
    }
  });

  it("a correction's audit entry carries the version it replaces", async () => {
    t.clock.advance(3_600_000);
    const lots = reply().lots;
    const v2 = await submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ lots: [{ ...lots[0]!, onHand: 20, quarantined: 20, returned: 40 }, lots[1]!], comment: 'Returned 40 of L-A' }));
    expect(v2.version).toBe(2);
    const v1 = (await t.db.get<{ id: string; record_hash: string }>('SELECT id, record_hash FROM recall_acknowledgements WHERE notice_id = ? AND version = 1', [noticeId]))!;
    const entry = (await t.db.get<{ old_values: string | null; new_values: string }>("SELECT old_values, new_values FROM audit_log WHERE action = 'recall.acknowledgement_corrected' AND entity_id = ?", [noticeId]))!;
    expect(entry.old_values).not.toBeNull();
    const old = JSON.parse(entry.old_values!);
    expect(old).toMatchObject({
      acknowledgement: v1.id,
      version: 1,
      recordHash: v1.record_hash,
      form: { contactRequested: true, signerFunction: 'Head of quality' },
      lots: [
        { lot: 'L-A', onHand: 60, quarantined: 60, returned: 0 },
        { lot: null, onHand: 2, corrected: 1, serials: { returned: ['SN-3'] } },
      ],
    });
    expect(JSON.parse(entry.new_values)).toMatchObject({ version: 2, comment: 'Returned 40 of L-A', lots: [{ lot: 'L-A', onHand: 20, returned: 40 }, { lot: null }] });
    // No question this time: no new mail to QA.
    expect(await t.db.get("SELECT COUNT(*) AS n FROM mail_messages WHERE purpose = 'recall.question'")).toEqual({ n: 1 });
  });

  it('the new answers are part of what was signed: a phone number changed behind the application is found [REQ-MDCG-REPLY-01]', async () => {
    const v1 = (await t.db.get<{ id: string }>('SELECT id FROM recall_acknowledgements WHERE notice_id = ? AND version = 1', [noticeId]))!.id;
    await expect(t.db.run("UPDATE recall_acknowledgements SET signer_phone = '+49 1' WHERE id = ?", [v1])).rejects.toThrow(/permanent/);
    await t.db.run('DROP TRIGGER recall_acknowledgements_no_update');
    await t.db.run("UPDATE recall_acknowledgements SET signer_phone = '+49 1' WHERE id = ?", [v1]);
    const found: unknown[] = [];
    await verifyRecordHashes(t.db, { onFinding: (f) => found.push(f) });
    expect(found).toEqual([{ type: 'recall_acknowledgement', id: v1, problem: 'altered' }]);
    expect((await getAcknowledgement(t.db, null, v1)).hashIntact).toBe(false);
  });
});
