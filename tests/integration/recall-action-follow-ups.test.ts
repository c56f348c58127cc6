// Follow-ups chase what is still open after a reply, on a real SQLite file with the fixed clock
// moved through the due dates: QA signs a recall (quarantine and return, reply by 2026-03-12,
// returns by 2026-03-20) through createRecall, notices through sendRecallNotices, replies
// through submitAcknowledgement. A consignee that never replied is followed up as before (and
// only there); one whose quarantine is short is chased after the reply deadline and not before;
// one that quarantined everything but still holds it after the actions deadline is chased; a
// complete one, or one whose corrected reply closes what was open, is not. Each follow-up once,
// across reruns; the final notice copied to the escalation contact and QA; audit entries and
// events with their reason, against the schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createRecall } from '../../shared/recalls/create-recall.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { sendRecallFollowUps } from '../../shared/recalls/send-recall-follow-ups.ts';
import { actionFollowUpsDue, sendActionFollowUps, type SentActionFollowUp } from '../../shared/recalls/send-action-follow-ups.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { mailText } from '../support/mail.ts';
import { replyForm } from '../support/reply-form.ts';

const portalUrl = 'https://portal.lotbridge.test';
const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: portalUrl };
const password = 'distributor-signing-pass';
const qaPassword = 'meridian-qa-password';
const gtin = '09506000134352';
const by = { type: 'system' as const, name: 'recall action follow-up test' };
const qaEmail = 'qa.li@meridian-medical.example';
const escalation = 'director@d2.example';
const names = ['D-1', 'D-2', 'D-3', 'D-4'] as const;
type Name = (typeof names)[number];

// Severity 2 (FDA class II): the final notice 7 days after each due date.
const replyDue = '2026-03-12T23:59:59.999Z';
const quarantineFinal = '2026-03-19T23:59:59.999Z';
const actionsDue = '2026-03-20T23:59:59.999Z';
const actionsFinal = '2026-03-27T23:59:59.999Z';
const justBefore = (iso: string) => new Date(Date.parse(iso) - 1);

describe('follow-ups of what is still open after a reply (quarantine, returns)', () => {
  let t: TestDatabase;
  let recallId: string;
  const org = {} as Record<Name, string>;
  const notice = {} as Record<Name, string>;
  const run = () => sendActionFollowUps(t.ctx, { portalUrl });
  const summary = (sent: SentActionFollowUp[]) => sent.map((s) => `${names.find((n) => notice[n] === s.noticeId)}:${s.kind}`).sort();
  const reply = async (who: Name, lot: { onHand: number; quarantined: number; returned: number }) => {
    const signer = await actorFor(t.db, `user@${who.toLowerCase()}.example`);
    await submitAcknowledgement(t.ctx, signer, rp, {
      noticeId: notice[who],
      understood: true,
      holdsStock: true,
      lots: [{ gtin, lot: 'A', received: 30, ...lot, destroyed: 0, subRecipients: [] }],
      form: replyForm(),
      credential: { password },
      locale: 'en',
    });
  };
  const mail = (id: string) =>
    t.db.get<{ to_address: string; cc_addresses: string; subject: string; text_body: string; purpose: string; id: string }>(
      'SELECT id, to_address, cc_addresses, subject, text_body, purpose FROM mail_messages WHERE id = ?',
      [id],
    );

  beforeAll(async () => {
    t = await testDatabase();
    let n = 0;
    const send = (type: string, data: unknown) => receiveErpEvent(t.ctx, { webhookId: `msg_af_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } });
    const manufacturer = (await createOrganisation(t.ctx, by, { name: 'Meridian Medical', kind: 'manufacturer' })).id;
    await addUser(t.ctx, by, { email: qaEmail, displayName: 'QA Li', password: qaPassword, organisationId: manufacturer, role: 'manufacturer_qa' });
    for (const name of names) {
      org[name] = (await createOrganisation(t.ctx, by, { name: `Distributor ${name}`, kind: 'distributor', erpId: name })).id;
      await addUser(t.ctx, by, { email: `user@${name.toLowerCase()}.example`, displayName: `User ${name}`, password, organisationId: org[name], role: 'distributor_user' });
      await send('shipment.dispatched', { shipmentNumber: `SH-AF-${name}`, distributor: { erpId: name }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin, lot: 'A', quantity: 30, expiryDate: '2028-01-31' }] });
    }
    await t.db.run('UPDATE organisations SET escalation_contact_email = ? WHERE id = ?', [escalation, org['D-2']]);
    const qa = await actorFor(t.db, qaEmail);
    recallId = (
      await createRecall(t.ctx, qa, rp, {
        recallNumber: 'FSCA-AF-1',
        classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }],
        reason: 'Possible leak at the roller clamp',
        hazard: 'Air embolism',
        actions: ['quarantine', 'return'],
        products: [{ gtin, lots: ['A'] }],
        responseDeadline: '2026-03-12',
        actionsDeadline: '2026-03-20',
        effectivenessLevel: 'C',
        noticeLanguages: ['en'],
        credential: { password: qaPassword },
      })
    ).recallId;
    await sendRecallNotices(t.ctx, qa, { recallId, portalUrl });
    for (const name of names) notice[name] = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, org[name]]))!.id;

    t.clock.set('2026-03-03T10:00:00.000Z');
    await reply('D-2', { onHand: 30, quarantined: 20, returned: 0 }); // 10 not quarantined
    await reply('D-3', { onHand: 30, quarantined: 30, returned: 0 }); // all quarantined, none returned yet
    await reply('D-4', { onHand: 0, quarantined: 0, returned: 30 }); // complete
  });

  afterAll(() => t?.close());

  it('records the due dates on the recall: quarantine by the reply deadline, returns by the actions deadline', async () => {
    expect(await t.db.get('SELECT response_deadline, actions_deadline FROM recalls WHERE id = ?', [recallId])).toEqual({ response_deadline: replyDue, actions_deadline: actionsDue });
    expect(actionFollowUpsDue('quarantine', 2, replyDue)).toEqual([
      { kind: 'quarantine_reminder', dueAt: replyDue },
      { kind: 'quarantine_final_notice', dueAt: quarantineFinal },
    ]);
  });

  it('chases nothing before the reply deadline; the consignee without a reply is followed up as before', async () => {
    t.clock.set(justBefore(replyDue));
    expect(await run()).toEqual([]);
    // The reply schedule (reminder 3 days ahead) reaches only D-1, which never replied.
    const noReply = await sendRecallFollowUps(t.ctx, { portalUrl });
    expect(noReply.map((s) => [s.noticeId, s.kind])).toEqual([[notice['D-1'], 'reminder']]);
  });

  it('at the reply deadline: the consignee whose quarantine is short gets a reminder naming the lot and quantities, once', async () => {
    t.clock.set(replyDue);
    const sent = await run();
    expect(summary(sent)).toEqual(['D-2:quarantine_reminder']);
    expect(sent[0]!.open).toEqual([{ gtin, lot: 'A', onHand: 30, quarantined: 20 }]);
    const m = (await mail(sent[0]!.mailIds[0]!))!;
    expect(m).toMatchObject({ to_address: 'user@d-2.example', purpose: 'recall.reminder' });
    expect(JSON.parse(m.cc_addresses)).toEqual([]);
    expect(m.subject).toBe('Recall FSCA-AF-1: please quarantine all stock on hand (due by 2026-03-12 23:59 UTC)');
    const text = mailText(t.db, { id: m.id, text_body: m.text_body });
    expect(text).toContain('all stock on hand was to be quarantined by 2026-03-12 23:59 UTC');
    expect(text).toContain(`- GTIN ${gtin}, lot A: 30 on hand, 20 quarantined, 10 not quarantined`);
    expect(text).toMatch(/https:\/\/portal\.lotbridge\.test\/notices\/\S+/);
    // Once: a rerun at the same time and later, before the final notice, sends nothing.
    expect(await run()).toEqual([]);
    t.clock.set(justBefore(quarantineFinal));
    expect(await run()).toEqual([]);
  });

  it('the final notice on quarantine goes to the consignee, its escalation contact and QA, once', async () => {
    t.clock.set(quarantineFinal);
    const sent = await run();
    expect(summary(sent)).toEqual(['D-2:quarantine_final_notice']);
    const m = (await mail(sent[0]!.mailIds[0]!))!;
    expect(m).toMatchObject({ to_address: 'user@d-2.example', purpose: 'recall.final_notice' });
    expect(JSON.parse(m.cc_addresses)).toEqual([escalation, qaEmail]);
    expect(m.subject).toBe('FINAL notice: recall FSCA-AF-1, Distributor D-2 has not quarantined all stock on hand');
    expect(await run()).toEqual([]);
  });

  it('at the actions deadline: consignees still holding recalled stock are chased, the complete one is not', async () => {
    t.clock.set(justBefore(actionsDue));
    expect(await run()).toEqual([]);
    t.clock.set(actionsDue);
    const sent = await run();
    expect(summary(sent)).toEqual(['D-2:actions_reminder', 'D-3:actions_reminder']);
    const d3 = sent.find((s) => s.noticeId === notice['D-3'])!;
    const m = (await mail(d3.mailIds[0]!))!;
    const text = mailText(t.db, { id: m.id, text_body: m.text_body });
    expect(m.subject).toBe('Recall FSCA-AF-1: recalled stock still on hand, returns were due by 2026-03-20 23:59 UTC');
    expect(text).toContain(`- GTIN ${gtin}, lot A: 30 still on hand (30 of them quarantined), not returned or destroyed`);
    expect(await run()).toEqual([]);
  });

  it('a corrected reply that returns the stock stops the follow-ups; the others get their final notice once', async () => {
    t.clock.set('2026-03-24T08:00:00.000Z');
    await reply('D-3', { onHand: 0, quarantined: 0, returned: 30 });
    t.clock.set(actionsFinal);
    expect(summary(await run())).toEqual(['D-2:actions_final_notice']);
    expect(await run()).toEqual([]);
    t.clock.set('2026-04-30T00:00:00.000Z');
    expect(await run()).toEqual([]);
    const rows = await t.db.all<{ notice_id: string; kind: string }>('SELECT notice_id, kind FROM recall_action_follow_ups ORDER BY sent_at, kind');
    expect(rows.map((r) => `${names.find((n) => notice[n] === r.notice_id)}:${r.kind}`).sort()).toEqual([
      'D-2:actions_final_notice',
      'D-2:actions_reminder',
      'D-2:quarantine_final_notice',
      'D-2:quarantine_reminder',
      'D-3:actions_reminder',
    ]);
    await expect(t.db.run("UPDATE recall_action_follow_ups SET sent_at = 'x'")).rejects.toThrow(/never edited/);
    await expect(t.db.run('DELETE FROM recall_action_follow_ups')).rejects.toThrow(/DELETE refused/);
  });

  it('each is audited and announced with its reason, the events valid against their schemas', async () => {
    const audit = await t.db.all<{ action: string; entity_id: string; new_values: string }>(
      "SELECT action, entity_id, new_values FROM audit_log WHERE action IN ('recall.reminder_sent', 'recall.escalated') AND entity_id <> ? ORDER BY seq",
      [notice['D-1']],
    );
    expect(audit.map((a) => [a.action, (JSON.parse(a.new_values) as { kind: string; reason: string }).reason])).toEqual([
      ['recall.reminder_sent', 'quarantine_not_confirmed'],
      ['recall.escalated', 'quarantine_not_confirmed'],
      ['recall.reminder_sent', 'actions_not_completed'],
      ['recall.reminder_sent', 'actions_not_completed'],
      ['recall.escalated', 'actions_not_completed'],
    ]);
    const rows = await t.db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type IN ('recall.reminder_sent', 'recall.escalated') ORDER BY position",
    );
    const events = rows.map((e) => validateEvent(JSON.parse(webhookBody(e)), 'outbound') as unknown as { data: { kind: string; reason?: string; open?: unknown[]; escalationContactCopied?: boolean } });
    expect(events.map((e) => `${e.data.kind}:${e.data.reason}`)).toEqual([
      'reminder:no_reply',
      'quarantine_reminder:quarantine_not_confirmed',
      'quarantine_final_notice:quarantine_not_confirmed',
      'actions_reminder:actions_not_completed',
      'actions_reminder:actions_not_completed',
      'actions_final_notice:actions_not_completed',
    ]);
    expect(events[2]!.data).toMatchObject({ escalationContactCopied: true, open: [{ gtin, lot: 'A', onHand: 30, quarantined: 20 }] });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
