// Recall follow-ups on a real SQLite file with the fixed clock moved through a recall's
// schedule: shipments and the recall through the ERP use case, notices through
// sendRecallNotices, a reply through submitAcknowledgement. Nothing before the reminder time;
// then one reminder per unanswered notice (none for the one that replied; QA instead for the
// distributor nobody can be mailed to), nothing twice (reruns, two at once, a second
// connection), the second notice after the deadline, the final notice copied to the escalation
// contact and QA, nothing after it. Severity 1 and 3 on their own schedules; a server that was
// down sends only the most advanced follow-up; a closed recall gets nothing. The events against
// their schemas, the audit chain, and the reminder through a real SMTP server with a notice
// link whose token checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../shared/db/index.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { sendRecallFollowUps, type SentFollowUp } from '../../shared/recalls/send-recall-follow-ups.ts';
import { createRecallFollowUpScheduler } from '../../shared/recalls/follow-up-scheduler.ts';
import { checkNoticeToken } from '../../shared/recalls/notice-link.ts';
import { createLogger } from '../../shared/log.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp.ts';
import { mailText, recallMailSender } from '../support/mail.ts';
import { replyForm } from '../support/reply-form.ts';

const portalUrl = 'https://portal.lotbridge.test';
const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: portalUrl };
const password = 'medline-signing-pass';
const infusionSet = '09506000134352';
const by = { type: 'system' as const, name: 'recall follow-up test' };
const qaEmails = ['qa.li@meridian-medical.example', 'qa.smith@meridian-medical.example'];
const medlineUsers = ['wang.fang@medline.example', 'zhao.lei@medline.example'];
const escalationContact = 'director@medline.example';
const ghsContact = 'recall@gz-health-supply.example';
const linkPattern = /https:\/\/portal\.lotbridge\.test\/notices\/(\S+)/;

/**
 * The manufacturer with two QA users and three distributors, all shipped lot A, C-1 also lot B:
 * C-1 Shanghai Medline (two portal users, an escalation contact), C-2 Guangzhou Health Supply
 * (a recall contact and a user who replies), C-3 Chengdu Rural (no recall contact, no portal
 * user: nobody to mail the notice to, only an escalation contact).
 */
async function world() {
  const t = await testDatabase();
  let n = 0;
  const send = async (type: string, data: unknown) =>
    (await receiveErpEvent(t.ctx, { webhookId: `msg_fu_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } })).outcome;

  const manufacturer = (await createOrganisation(t.ctx, by, { name: 'Meridian Medical', kind: 'manufacturer' })).id;
  for (const [i, email] of qaEmails.entries()) await addUser(t.ctx, by, { email, displayName: `QA ${i + 1}`, password: 'meridian-qa-password', organisationId: manufacturer, role: 'manufacturer_qa' });
  const org: Record<'C-1' | 'C-2' | 'C-3', string> = {
    'C-1': (await createOrganisation(t.ctx, by, { name: 'Shanghai Medline Distribution Co., Ltd.', kind: 'distributor', erpId: 'C-1' })).id,
    'C-2': (await createOrganisation(t.ctx, by, { name: 'Guangzhou Health Supply', kind: 'distributor', erpId: 'C-2' })).id,
    'C-3': (await createOrganisation(t.ctx, by, { name: 'Chengdu Rural Clinics Supply', kind: 'distributor', erpId: 'C-3' })).id,
  };
  for (const email of medlineUsers) await addUser(t.ctx, by, { email, displayName: email.split('@')[0]!, password, organisationId: org['C-1'], role: 'distributor_user' });
  await addUser(t.ctx, by, { email: 'chen.jing@gz-health-supply.example', displayName: '陈静 (Chen Jing)', password, organisationId: org['C-2'], role: 'distributor_user' });
  // No use case sets an organisation's recall and escalation contacts yet: written directly.
  await t.db.run('UPDATE organisations SET escalation_contact_email = ? WHERE id = ?', [escalationContact, org['C-1']]);
  await t.db.run('UPDATE organisations SET recall_contact_email = ? WHERE id = ?', [ghsContact, org['C-2']]);
  await t.db.run('UPDATE organisations SET escalation_contact_email = ? WHERE id = ?', ['owner@chengdu-rural.example', org['C-3']]);

  let shipment = 0;
  for (const erpId of ['C-1', 'C-2', 'C-3']) {
    const lines = [{ gtin: infusionSet, lot: 'A', quantity: erpId === 'C-1' ? 120 : 30, expiryDate: '2028-01-31' }];
    if (erpId === 'C-1') lines.push({ gtin: infusionSet, lot: 'B', quantity: 40, expiryDate: '2028-06-30' });
    await send('shipment.dispatched', { shipmentNumber: `SH-FU-${++shipment}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines });
  }
  const qa = await actorFor(t.db, qaEmails[0]!);

  /** A recall from the ERP and its notices sent by QA at the clock's time. */
  async function recallWithNotices(fields: { recallNumber: string; lots: string[]; responseDeadline: string; fdaClass?: 'I' | 'II' | 'III'; translations?: unknown }): Promise<string> {
    const outcome = (await send('recall.issued', {
      recallNumber: fields.recallNumber,
      issuedAt: t.clock.now().toISOString(),
      reason: 'Possible leak at the roller clamp',
      hazard: 'Under-infusion',
      products: [{ gtin: infusionSet, lots: fields.lots }],
      responseDeadline: fields.responseDeadline,
      ...(fields.fdaClass ? { classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: fields.fdaClass }] } : {}),
      ...(fields.translations ? { translations: fields.translations } : {}),
    })) as { recall: string };
    await sendRecallNotices(t.ctx, qa, { recallId: outcome.recall, portalUrl });
    return outcome.recall;
  }

  const noticeOf = async (recallId: string, erpId: keyof typeof org) =>
    (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, org[erpId]]))!.id;

  return { t, org, recallWithNotices, noticeOf };
}

const run = (t: TestDatabase) => sendRecallFollowUps(t.ctx, { portalUrl });

describe('recall follow-ups: reminder, second and final notice (severity 2)', () => {
  let w: Awaited<ReturnType<typeof world>>;
  let t: TestDatabase;
  let recallId: string;
  const notice: Record<string, string> = {};
  // Deadline 2026-03-12 (end of day, UTC); severity 2: 3 days before, 2 and 7 days after.
  const deadline = '2026-03-12T23:59:59.999Z';
  const reminderAt = '2026-03-09T23:59:59.999Z';
  const secondAt = '2026-03-14T23:59:59.999Z';
  const finalAt = '2026-03-19T23:59:59.999Z';
  const justBefore = (iso: string) => new Date(Date.parse(iso) - 1);

  let smtp: TestSmtpServer;
  let received: ReceivedMail[];

  const summary = (sent: SentFollowUp[]) => sent.map((s) => `${Object.keys(notice).find((k) => notice[k] === s.noticeId)}:${s.kind}`).sort();
  const mail = async (id: string) => {
    const m = await t.db.get<{ to_address: string; cc_addresses: string; subject: string; text_body: string; purpose: string; locale: string; entity_type: string; entity_id: string; organisation_id: string }>(
      'SELECT to_address, cc_addresses, subject, text_body, purpose, locale, entity_type, entity_id, organisation_id FROM mail_messages WHERE id = ?',
      [id],
    );
    return m && { ...m, text_body: mailText(t.db, { id, text_body: m.text_body }) };
  };
  const levels = async () =>
    Object.fromEntries(
      await Promise.all(Object.entries(notice).map(async ([k, id]) => [k, (await t.db.get<{ l: number }>('SELECT follow_up_level AS l FROM recall_notices WHERE id = ?', [id]))!.l])),
    );

  beforeAll(async () => {
    smtp = await startSmtpServer();
    received = smtp.received;

    w = await world();
    t = w.t;
    recallId = await w.recallWithNotices({ recallNumber: 'FSCA-FU-1', lots: ['A'], responseDeadline: '2026-03-12' });
    for (const k of ['C-1', 'C-2', 'C-3'] as const) notice[k] = await w.noticeOf(recallId, k);
    // C-2 replies the next day: holds none of the stock any more.
    t.clock.set('2026-03-03T10:00:00.000Z');
    const signer = await actorFor(t.db, 'chen.jing@gz-health-supply.example');
    await submitAcknowledgement(t.ctx, signer, rp, { noticeId: notice['C-2']!, understood: true, holdsStock: false, lots: [], form: replyForm(), credential: { password }, locale: 'zh-CN' });
  });

  afterAll(async () => {
    t?.close();
    await smtp?.close();
  });

  it('the recall is open with its deadline, and the acknowledgement was recorded by the real use case', async () => {
    expect(await t.db.get('SELECT state, severity, response_deadline FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'open', severity: 2, response_deadline: deadline });
    expect(await t.db.get('SELECT latest_version FROM recall_notices WHERE id = ?', [notice['C-2']!])).toEqual({ latest_version: 1 });
  });

  it('sends nothing before the reminder time', async () => {
    t.clock.set(justBefore(reminderAt));
    expect(await run(t)).toEqual([]);
    expect(await levels()).toEqual({ 'C-1': 0, 'C-2': 0, 'C-3': 0 });
  });

  it('at the reminder time: one reminder per unanswered notice, none for the one that replied; QA for the distributor nobody can mail', async () => {
    t.clock.set(reminderAt);
    const sent = await run(t);
    expect(summary(sent)).toEqual(['C-1:reminder', 'C-3:reminder']);
    expect(await levels()).toEqual({ 'C-1': 1, 'C-2': 0, 'C-3': 1 });
    expect(await t.db.all('SELECT notice_id, kind, due_at, sent_at FROM recall_follow_ups ORDER BY notice_id')).toEqual(
      [notice['C-1']!, notice['C-3']!].sort().map((id) => ({ notice_id: id, kind: 'reminder', due_at: reminderAt, sent_at: reminderAt })),
    );

    // C-1: one message to its two users, in English and then Chinese, with what is missing.
    const c1 = sent.find((s) => s.noticeId === notice['C-1'])!;
    expect(c1).toMatchObject({ recallId, level: 1, dueAt: reminderAt, passed: [], sentTo: 'distributor' });
    expect(c1.mailIds).toHaveLength(1);
    const m1 = (await mail(c1.mailIds[0]!))!;
    expect([m1.to_address, ...(JSON.parse(m1.cc_addresses) as string[])].sort()).toEqual(medlineUsers);
    expect(m1).toMatchObject({ purpose: 'recall.reminder', locale: 'en', entity_type: 'recall_follow_up', entity_id: notice['C-1'], organisation_id: w.org['C-1'] });
    expect(m1.subject).toBe('Reminder: recall FSCA-FU-1, please reply by 2026-03-12 23:59 UTC / 提醒：召回 FSCA-FU-1，请于 2026-03-12 23:59 UTC 前回复');
    const english = m1.text_body.indexOf('We have not received your reply yet; it is due by 2026-03-12 23:59 UTC.');
    const chinese = m1.text_body.indexOf('我们已于 2026-03-02 向贵司发送召回 FSCA-FU-1 的现场安全通知');
    expect(english).toBeGreaterThan(0);
    expect(chinese).toBeGreaterThan(english);
    for (const part of ['To Shanghai Medline Distribution Co., Ltd.,', 'Still missing: your signed acknowledgement', `- GTIN ${infusionSet}, lot A: 120 units shipped`, `- GTIN ${infusionSet}，批号 A：已发货 120 件`, 'The notice has not been opened yet.']) {
      expect(m1.text_body).toContain(part);
    }
    expect(m1.text_body).not.toContain('lot B'); // not in this recall
    const token = linkPattern.exec(m1.text_body)![1]!;
    expect(await checkNoticeToken(t.db, token, t.clock.now())).toEqual({ ok: true, noticeId: notice['C-1'] });

    // C-3 has no address: the manufacturer's QA is asked to reach it, with the link to pass on.
    const c3 = sent.find((s) => s.noticeId === notice['C-3'])!;
    expect(c3).toMatchObject({ sentTo: 'manufacturer_qa', to: qaEmails[0], cc: [qaEmails[1]] });
    const m3 = (await mail(c3.mailIds[0]!))!;
    expect(m3.subject).toBe('Recall FSCA-FU-1: Chengdu Rural Clinics Supply cannot be reached by e-mail (reminder) / 召回 FSCA-FU-1：无法通过电子邮件联系 Chengdu Rural Clinics Supply（提醒）');
    expect(m3.text_body).toContain('Nobody at Chengdu Rural Clinics Supply can be e-mailed about recall FSCA-FU-1');
    expect(m3.text_body).toContain('请通过其他方式（电话、传真、信函）联系对方');
    expect(m3.text_body).toContain(`- GTIN ${infusionSet}, lot A: 30 units shipped`);
    expect(await checkNoticeToken(t.db, linkPattern.exec(m3.text_body)![1]!, t.clock.now())).toEqual({ ok: true, noticeId: notice['C-3'] });

    // Nothing for C-2, which replied: its mails are the notice and the receipt of its reply.
    expect(await t.db.all("SELECT id FROM mail_messages WHERE entity_type = 'recall_follow_up' AND entity_id = ?", [notice['C-2']!])).toEqual([]);
  });

  it('delivers the reminder through a real SMTP server, with a notice link whose token checks', async () => {
    const sender = recallMailSender(t, smtp.url);
    await sender.flush();
    await sender.stop();
    expect(await t.db.all("SELECT id, state, last_error FROM mail_messages WHERE state != 'sent'")).toEqual([]);

    const reminders = received.filter((r) => decodedSubject(r.raw).startsWith('Reminder: recall FSCA-FU-1'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.to.sort()).toEqual(medlineUsers);
    expect(decodedSubject(reminders[0]!.raw)).toContain('提醒：召回 FSCA-FU-1');
    const body = decodedBody(reminders[0]!.raw);
    expect(body).toContain('Still missing: your signed acknowledgement of the notice');
    expect(body).toContain('尚缺：贵司对本通知的签名确认');
    const token = linkPattern.exec(body)![1]!;
    expect(await checkNoticeToken(t.db, token, t.clock.now())).toEqual({ ok: true, noticeId: notice['C-1'] });
    // A link altered by one character does not open the notice.
    expect(await checkNoticeToken(t.db, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), t.clock.now())).toEqual({ ok: false, reason: 'forged' });

    const toQa = received.filter((r) => decodedSubject(r.raw).includes('cannot be reached by e-mail'));
    expect(toQa.map((r) => r.to.sort())).toEqual([qaEmails]);
  });

  it('sends nothing twice: a rerun, two runs at once, a second connection to the same file', async () => {
    expect(await run(t)).toEqual([]);
    t.clock.set(justBefore(secondAt));
    const both = await Promise.all([run(t), run(t)]);
    expect(both.flat()).toEqual([]);
    const second = openDb(t.url);
    try {
      expect(await sendRecallFollowUps({ ...t.ctx, db: second }, { portalUrl })).toEqual([]);
    } finally {
      second.close();
    }
    expect(await t.db.get('SELECT COUNT(*) AS n FROM recall_follow_ups')).toEqual({ n: 2 });
  });

  it('after the deadline: the second notice, once, even with two runs at once; no copies yet', async () => {
    t.clock.set(secondAt);
    const both = await Promise.all([run(t), run(t)]);
    const sent = both.flat();
    expect(summary(sent)).toEqual(['C-1:second_notice', 'C-3:second_notice']);
    expect(await levels()).toEqual({ 'C-1': 2, 'C-2': 0, 'C-3': 2 });
    const c1 = sent.find((s) => s.noticeId === notice['C-1'])!;
    const m = (await mail(c1.mailIds[0]!))!;
    expect([m.to_address, ...(JSON.parse(m.cc_addresses) as string[])].sort()).toEqual(medlineUsers);
    expect(m.purpose).toBe('recall.second_notice');
    expect(m.subject).toBe('Second notice: recall FSCA-FU-1, your reply was due by 2026-03-12 23:59 UTC / 第二次通知：召回 FSCA-FU-1，回复期限 2026-03-12 23:59 UTC 已过');
    expect(m.text_body).toContain('Your reply was due by 2026-03-12 23:59 UTC and has not reached us.');
    expect(await run(t)).toEqual([]);
  });

  it('later: the final notice, copied to the distributor’s escalation contact and the manufacturer’s QA', async () => {
    t.clock.set(justBefore(finalAt));
    expect(await run(t)).toEqual([]);
    t.clock.set(finalAt);
    const sent = await run(t);
    expect(summary(sent)).toEqual(['C-1:final_notice', 'C-3:final_notice']);
    expect(await levels()).toEqual({ 'C-1': 3, 'C-2': 0, 'C-3': 3 });

    const c1 = sent.find((s) => s.noticeId === notice['C-1'])!;
    const m = (await mail(c1.mailIds[0]!))!;
    const cc = JSON.parse(m.cc_addresses) as string[];
    expect(cc).toContain(escalationContact);
    expect([m.to_address, ...cc].sort()).toEqual([...medlineUsers, escalationContact, ...qaEmails].sort());
    expect(m.purpose).toBe('recall.final_notice');
    expect(m.subject).toContain('FINAL notice: recall FSCA-FU-1, still no reply from Shanghai Medline Distribution Co., Ltd.');
    expect(m.subject).toContain('最后通知：召回 FSCA-FU-1');
    expect(m.text_body).toContain(`Copy to: ${cc.join(', ')}`);
    expect(m.text_body).toContain(`抄送：${cc.join(', ')}`);

    // C-3's notice went to nobody: its final notice is for QA only (it asks them to reach the
    // distributor another way), not for the escalation contact.
    const c3 = sent.find((s) => s.noticeId === notice['C-3'])!;
    expect(c3).toMatchObject({ sentTo: 'manufacturer_qa', to: qaEmails[0], cc: [qaEmails[1]] });
    expect((await mail(c3.mailIds[0]!))!.subject).toContain('cannot be reached by e-mail (final notice)');
  });

  it('after the final notice nothing more, and the notice that was acknowledged never got a follow-up', async () => {
    t.clock.set('2026-06-30T00:00:00.000Z');
    expect(await run(t)).toEqual([]);
    expect(await t.db.all('SELECT kind FROM recall_follow_ups WHERE notice_id = ?', [notice['C-2']!])).toEqual([]);
    expect(await t.db.get('SELECT COUNT(*) AS n FROM recall_follow_ups')).toEqual({ n: 6 });
    await expect(t.db.run("INSERT INTO recall_follow_ups (notice_id, kind, due_at, sent_at) VALUES (?, 'reminder', 'x', 'y')", [notice['C-1']!])).rejects.toThrow(/UNIQUE|PRIMARY KEY|constraint/i);
  });

  it('every follow-up is audited and announced to the ERP with an event that validates against its schema', async () => {
    const audit = await t.db.all<{ action: string; actor_type: string; entity_type: string; entity_id: string; organisation_id: string; new_values: string }>(
      "SELECT action, actor_type, entity_type, entity_id, organisation_id, new_values FROM audit_log WHERE action IN ('recall.reminder_sent', 'recall.escalated') ORDER BY seq",
    );
    const c1 = audit.filter((a) => a.entity_id === notice['C-1']);
    expect(c1.map((a) => [a.action, a.actor_type, a.entity_type, a.organisation_id, (JSON.parse(a.new_values) as { kind: string }).kind])).toEqual([
      ['recall.reminder_sent', 'system', 'recall_notice', w.org['C-1'], 'reminder'],
      ['recall.escalated', 'system', 'recall_notice', w.org['C-1'], 'second_notice'],
      ['recall.escalated', 'system', 'recall_notice', w.org['C-1'], 'final_notice'],
    ]);
    expect(audit).toHaveLength(6);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    const rows = await t.db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type IN ('recall.reminder_sent', 'recall.escalated') ORDER BY position",
    );
    const events = rows.map((e) => validateEvent(JSON.parse(webhookBody(e)), 'outbound'));
    const ofC1 = events.filter((e) => e.data.noticeId === notice['C-1']);
    expect(ofC1.map((e) => [e.type, e.data.kind, e.data.level])).toEqual([
      ['recall.reminder_sent', 'reminder', 1],
      ['recall.escalated', 'second_notice', 2],
      ['recall.escalated', 'final_notice', 3],
    ]);
    expect(ofC1[2]!.data).toMatchObject({
      recallNumber: 'FSCA-FU-1',
      distributor: { organisationId: w.org['C-1'], erpId: 'C-1', name: 'Shanghai Medline Distribution Co., Ltd.' },
      severity: 2,
      responseDeadline: deadline,
      dueAt: finalAt,
      sentTo: 'distributor',
      recipients: 5,
      escalationContactCopied: true,
      passed: [],
      aggregate: { type: 'recall', id: recallId },
    });
    expect(events.filter((e) => e.data.noticeId === notice['C-3']).map((e) => [e.data.sentTo, e.data.recipients, e.data.escalationContactCopied])).toEqual([
      ['manufacturer_qa', 2, undefined],
      ['manufacturer_qa', 2, false],
      ['manufacturer_qa', 2, false],
    ]);
    expect(events.some((e) => e.data.noticeId === notice['C-2'])).toBe(false);
    // A second notice that claims level 3 is refused by the schema.
    const wrong = JSON.parse(webhookBody(rows.find((r) => r.event_type === 'recall.escalated')!)) as { data: Record<string, unknown> };
    wrong.data.level = 3;
    expect(() => validateEvent(wrong, 'outbound')).toThrow(/not valid/);
  });
});

describe('recall follow-ups: schedules per severity, a server that was down, a closed recall', () => {
  let w: Awaited<ReturnType<typeof world>>;
  let t: TestDatabase;
  const deadline = '2026-04-20T12:00:00.000Z';
  const at = (days: number) => new Date(Date.parse(deadline) + days * 86_400_000).toISOString();
  const label: Record<string, string> = {};
  const summary = (sent: SentFollowUp[]) => sent.map((s) => `${label[s.recallId]}:${s.kind}`).sort();

  beforeAll(async () => {
    w = await world();
    t = w.t;
    t.clock.set('2026-04-01T09:00:00.000Z');
    // Lot B went to C-1 only: one notice per recall.
    label[await w.recallWithNotices({ recallNumber: 'FSCA-FU-S1', lots: ['B'], responseDeadline: deadline, fdaClass: 'I' })] = 'severity 1';
    label[await w.recallWithNotices({ recallNumber: 'FSCA-FU-S3', lots: ['B'], responseDeadline: deadline, fdaClass: 'III' })] = 'severity 3';
  });
  afterAll(() => t?.close());

  it('severity 1 and 3 follow their own schedules against the same deadline', async () => {
    const severities = await t.db.all('SELECT recall_number, severity FROM recalls ORDER BY recall_number');
    expect(severities).toEqual([
      { recall_number: 'FSCA-FU-S1', severity: 1 },
      { recall_number: 'FSCA-FU-S3', severity: 3 },
    ]);
    const timeline: [number, string[]][] = [
      [-5, ['severity 3:reminder']],
      [-1.01, []],
      [-1, ['severity 1:reminder']],
      [0.99, []],
      [1, ['severity 1:second_notice']],
      [3, ['severity 1:final_notice']],
      [4.99, []],
      [5, ['severity 3:second_notice']],
      [13.99, []],
      [14, ['severity 3:final_notice']],
      [60, []],
    ];
    for (const [days, expected] of timeline) {
      t.clock.set(at(days));
      expect(summary(await run(t)), `${days} days from the deadline`).toEqual(expected);
    }
  });

  it('a server that was down sends only the most advanced follow-up due, and passes the earlier ones for good', async () => {
    t.clock.set('2026-04-01T09:00:00.000Z');
    const recallId = await w.recallWithNotices({ recallNumber: 'FSCA-FU-DOWN', lots: ['B'], responseDeadline: deadline });
    label[recallId] = 'down';
    // Severity 2: the reminder (-3 d) and the second notice (+2 d) were due while nothing ran.
    t.clock.set(at(2.5));
    const sent = await run(t);
    expect(summary(sent)).toEqual(['down:second_notice']);
    expect(sent[0]).toMatchObject({ level: 2, dueAt: at(2), passed: ['reminder'] });
    const noticeId = await w.noticeOf(recallId, 'C-1');
    expect(await t.db.all('SELECT kind FROM recall_follow_ups WHERE notice_id = ?', [noticeId])).toEqual([{ kind: 'second_notice' }]);
    const event = await t.db.get<{ payload: string }>("SELECT payload FROM outbox WHERE event_type = 'recall.escalated' AND aggregate_id = ?", [recallId]);
    expect(JSON.parse(event!.payload)).toMatchObject({ kind: 'second_notice', level: 2, passed: ['reminder'] });
    expect(await t.db.get("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'recall.reminder_sent' AND aggregate_id = ?", [recallId])).toEqual({ n: 0 });
    // The passed reminder is never sent afterwards; the final notice comes on time.
    expect(await run(t)).toEqual([]);
    t.clock.set(at(7));
    expect(summary(await run(t))).toEqual(['down:final_notice']);
  });

  it('a follow-up goes to the consignee’s recipients as they are now: a user disabled since the notice, a recall contact given since', async () => {
    t.clock.set('2026-04-01T09:00:00.000Z');
    const recallId = await w.recallWithNotices({ recallNumber: 'FSCA-FU-NOW', lots: ['A'], responseDeadline: deadline });
    label[recallId] = 'now';
    const [c1, c3] = [await w.noticeOf(recallId, 'C-1'), await w.noticeOf(recallId, 'C-3')];
    // At the release C-1's notice went to its two users, C-3's to nobody.
    expect(await t.db.all('SELECT recipients FROM recall_notices WHERE id IN (?, ?) ORDER BY id = ?', [c1, c3, c3])).toEqual([{ recipients: JSON.stringify(medlineUsers) }, { recipients: '[]' }]);
    // Since then one of C-1's users left, and C-3 named a recall contact.
    await t.db.run('UPDATE users SET disabled_at = ? WHERE email = ?', [t.clock.now().toISOString(), medlineUsers[0]!]);
    await t.db.run('UPDATE organisations SET recall_contact_email = ? WHERE id = ?', ['recalls@chengdu-rural.example', w.org['C-3']]);
    t.clock.set(at(-3));
    const sent = (await run(t)).filter((s) => s.recallId === recallId);
    expect(sent.map((s) => [s.noticeId === c1 ? 'C-1' : 'C-3', s.sentTo, s.to, s.cc])).toEqual(
      expect.arrayContaining([
        ['C-1', 'distributor', medlineUsers[1], []],
        ['C-3', 'distributor', 'recalls@chengdu-rural.example', []],
      ]),
    );
    await t.db.run('UPDATE users SET disabled_at = NULL WHERE email = ?', [medlineUsers[0]!]);
    await t.db.run('UPDATE organisations SET recall_contact_email = NULL WHERE id = ?', [w.org['C-3']]);
    await t.db.run("UPDATE recalls SET state = 'closed' WHERE id = ?", [recallId]); // nothing more from it in the next test
  });

  it('a closed recall gets nothing', async () => {
    t.clock.set('2026-04-01T09:00:00.000Z');
    const recallId = await w.recallWithNotices({ recallNumber: 'FSCA-FU-CLOSED', lots: ['A'], responseDeadline: deadline });
    // No use case closes a recall yet: the state is set directly.
    await t.db.run("UPDATE recalls SET state = 'closed' WHERE id = ?", [recallId]);
    for (const days of [-3, 2, 7, 30]) {
      t.clock.set(at(days));
      expect(await run(t)).toEqual([]);
    }
    expect(await t.db.get('SELECT COUNT(*) AS n FROM recall_follow_ups f JOIN recall_notices n ON n.id = f.notice_id WHERE n.recall_id = ?', [recallId])).toEqual({ n: 0 });
  });

  it('the scheduler runs the follow-ups at start and stops cleanly', async () => {
    t.clock.set('2026-04-01T09:00:00.000Z');
    const recallId = await w.recallWithNotices({ recallNumber: 'FSCA-FU-SCHED', lots: ['B'], responseDeadline: deadline });
    t.clock.set(at(-3));
    const lines: string[] = [];
    const log = createLogger('info', {}, (line) => lines.push(line));
    const scheduler = createRecallFollowUpScheduler({ ctx: t.ctx, log, portalUrl, intervalMs: 3_600_000 });
    scheduler.start();
    await scheduler.stop();
    const noticeId = await w.noticeOf(recallId, 'C-1');
    expect(await t.db.all('SELECT kind FROM recall_follow_ups WHERE notice_id = ?', [noticeId])).toEqual([{ kind: 'reminder' }]);
    expect(lines.map((l) => JSON.parse(l) as { msg: string; reminders?: number })).toEqual([expect.objectContaining({ msg: 'recall follow-ups sent', reminders: 1 })]);
  });
});

describe('recall notices and follow-ups to a German distributor', () => {
  it('come in German first, then in the notice languages; the mail to QA about a distributor without an address does not', async () => {
    const { t, org, recallWithNotices, noticeOf } = await world();
    try {
      // Shanghai Medline and Chengdu Rural read German (as the administrator sets on /admin/organisations).
      await t.db.run("UPDATE organisations SET language = 'de' WHERE id IN (?, ?)", [org['C-1'], org['C-3']]);
      const recallId = await recallWithNotices({ recallNumber: 'FSCA-DE-1', lots: ['A'], responseDeadline: '2026-03-12', translations: { de: { reason: 'Mögliche Undichtigkeit an der Rollenklemme' } } });
      const notice = await t.db.get<{ subject: string; text_body: string; id: string; locale: string }>(
        "SELECT id, subject, text_body, locale FROM mail_messages WHERE purpose = 'recall.notice' AND to_address = ?",
        [medlineUsers[0]!],
      );
      expect(notice!.locale).toBe('de');
      expect(notice!.subject).toBe('DRINGENDE Sicherheitsinformation — Rückruf FSCA-DE-1 / URGENT field safety notice — recall FSCA-DE-1 / 紧急现场安全通知 — 召回 FSCA-DE-1');
      const noticeText = mailText(t.db, notice!);
      expect(noticeText.indexOf('An Shanghai Medline Distribution Co., Ltd.,')).toBe(0);
      expect(noticeText).toContain('Grund: Mögliche Undichtigkeit an der Rollenklemme');
      expect(noticeText).toContain('Reason: Possible leak at the roller clamp');

      t.clock.set('2026-03-09T23:59:59.999Z');
      const sent = await run(t);
      const medlineNotice = await noticeOf(recallId, 'C-1');
      const toMedline = sent.find((s) => s.noticeId === medlineNotice)!;
      const m = (await t.db.get<{ id: string; subject: string; text_body: string; locale: string }>('SELECT id, subject, text_body, locale FROM mail_messages WHERE id = ?', [toMedline.mailIds[0]!]))!;
      expect(m.locale).toBe('de');
      expect(m.subject).toBe('Erinnerung: Rückruf FSCA-DE-1, bitte melden Sie sich bis 2026-03-12 23:59 UTC zurück / Reminder: recall FSCA-DE-1, please reply by 2026-03-12 23:59 UTC / 提醒：召回 FSCA-DE-1，请于 2026-03-12 23:59 UTC 前回复');
      const text = mailText(t.db, m);
      const german = text.indexOf('Am 2026-03-02 haben wir Ihnen die Sicherheitsanweisung im Feld zum Rückruf FSCA-DE-1 gesandt.');
      expect(german).toBeGreaterThan(0);
      expect(text.indexOf('We have not received your reply yet')).toBeGreaterThan(german);
      expect(text).toContain(`- GTIN ${infusionSet}, Charge A: 120 Einheiten geliefert`);
      expect(text).toContain('Die Mitteilung wurde noch nicht geöffnet.');

      // Chengdu Rural has no address: QA is asked in the recall's notice languages, not in German.
      const toQa = sent.find((s) => s.sentTo === 'manufacturer_qa')!;
      const q = (await t.db.get<{ subject: string }>('SELECT subject FROM mail_messages WHERE id = ?', [toQa.mailIds[0]!]))!;
      expect(q.subject).toBe('Recall FSCA-DE-1: Chengdu Rural Clinics Supply cannot be reached by e-mail (reminder) / 召回 FSCA-DE-1：无法通过电子邮件联系 Chengdu Rural Clinics Supply（提醒）');
    } finally {
      t.close();
    }
  });
});

/** The text body of a single-part message, decoded (quoted-printable or base64). */
function decodedBody(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const encoding = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return body;
  const soft = body.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(soft.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The Subject header with its encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=, possibly folded) decoded. */
function decodedSubject(raw: string): string {
  const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)![1]!.replace(/\r\n[ \t]/g, ' ');
  const word = /=\?UTF-8\?([BQ])\?([^?]*)\?=/gi;
  const parts: Buffer[] = [];
  let last = 0;
  let previousWasWord = false;
  for (const m of header.matchAll(word)) {
    const between = header.slice(last, m.index);
    // Blanks between two encoded words are folding, not text (RFC 2047, 6.2).
    if (!(previousWasWord && /^\s*$/.test(between))) parts.push(Buffer.from(between, 'utf8'));
    const [, enc, text] = m;
    parts.push(
      enc!.toUpperCase() === 'B'
        ? Buffer.from(text!, 'base64')
        : Buffer.from(text!.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1'),
    );
    last = m.index + m[0].length;
    previousWasWord = true;
  }
  parts.push(Buffer.from(header.slice(last), 'utf8'));
  return Buffer.concat(parts).toString('utf8');
}
