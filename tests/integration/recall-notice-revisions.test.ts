// EU field safety notice revisions (MDCG 2023-3: an FSN has a reference and a type, new / update /
// follow-up), on a real SQLite file: QA issues a signed update on an open recall; every consignee
// gets it (mail in its languages with the PDFs, AS2 for the EDI partner) with the audit entry and a
// recall.notice_revised event that validates against its schema; the PDF read back in English,
// Chinese and German names the reference, type and revision and what changed; a consignee that
// replied before the update is awaiting a reply again (its page, the dashboard, the follow-ups)
// until it signs a new one; a follow-up notice leaves the replies standing; refusals write nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { createRecall, type NewRecall } from '../../shared/recalls/create-recall.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement, type AcknowledgementInput } from '../../shared/recalls/submit-acknowledgement.ts';
import { closeRecall } from '../../shared/recalls/close-recall.ts';
import { issueNoticeRevision } from '../../shared/recalls/issue-notice-revision.ts';
import { addConsignee } from '../../shared/recalls/add-consignee.ts';
import { formatInstantIn } from '../../shared/time-zone.ts';
import { noticeReplyNeededAgain } from '../../shared/recalls/notice-revisions.ts';
import { getNoticeData } from '../../shared/recalls/get-notice-data.ts';
import { getRecallDashboard } from '../../shared/recalls/get-recall-dashboard.ts';
import { sendRecallFollowUps } from '../../shared/recalls/send-recall-follow-ups.ts';
import { renderRecallAttachment } from '../../shared/recalls/render-recall-attachment.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { recallRecordFindings, verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { rootDir } from '../support/server.ts';
import { actorFor } from '../support/actors.ts';
import { mailText } from '../support/mail.ts';
import { refusal } from '../support/refusal.ts';
import { pdfText, pdfTextFlat } from '../support/pdf-text.ts';
import { eventsOf } from '../support/outbox-events.ts';
import { replyForm } from '../support/reply-form.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const portalUrl = 'http://portal.test';
const by = { type: 'system' as const, name: 'notice revisions test' };
const infusionSet = '09506000134352';

/** Rows that would change if a refused call had written anything (a wrong password is audited: that stays). */
async function footprint(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['recall_notice_revisions', 'recall_acknowledgements', 'signatures', 'outbox', 'mail_messages', 'as2_outbound_messages']) {
    out[table] = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
  }
  return out;
}

/** The recall of these tests; `over` changes what a test needs otherwise. */
const newRecall = (over: Partial<NewRecall> = {}): NewRecall => ({
  recallNumber: 'FSCA-2026-301',
  classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
  reason: 'Roller clamp may leak',
  hazard: 'Under-infusion',
  actions: ['quarantine'],
  products: [{ gtin: infusionSet, lots: ['L-A'] }],
  responseDeadline: '2026-03-12',
  effectivenessLevel: 'C',
  noticeLanguages: ['en', 'zh-CN'],
  translations: { de: { reason: 'Die Rollenklemme kann undicht sein', hazard: 'Unterinfusion möglich' } },
  ...over,
});

describe('field safety notice revisions (update / follow-up)', () => {
  let t: TestDatabase;
  const as: Record<string, Actor> = {};
  const org: Record<string, string> = {};
  const notice: Record<string, string> = {};
  let recallId: string;
  let unreleasedId: string;

  const reply = (over: Partial<AcknowledgementInput> = {}): AcknowledgementInput => ({
    noticeId: notice.rhein!,
    understood: true,
    holdsStock: true,
    lots: [{ gtin: infusionSet, lot: 'L-A', received: 100, onHand: 100, quarantined: 100, returned: 0, destroyed: 0, subRecipients: [] }],
    form: replyForm(),
    credential: { password: demoPassword },
    locale: 'de',
    ...over,
  });
  const update = {
    type: 'update',
    change: 'Lot L-A also risks air in the line: stop using it at once and return it.',
    changeTranslations: { 'zh-CN': '批次 L-A 还可能导致管路进气：请立即停止使用并退回。', de: 'Charge L-A kann zudem Luft in die Leitung bringen: sofort nicht mehr verwenden und zurücksenden.' },
    hazard: 'Under-infusion; air embolism',
    translations: { de: { hazard: 'Unterinfusion; Luftembolie' } },
  };

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    org.rhein = (await t.db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    // A Chinese distributor known by its recall contact, and an EDI partner reached over AS2 only.
    org.suzhou = (await createOrganisation(t.ctx, by, { name: 'Suzhou Medical Trading', kind: 'distributor', erpId: 'C-20004' })).id;
    await t.db.run("UPDATE organisations SET recall_contact_email = 'recall@suzhou-trading.example', language = 'zh-CN' WHERE id = ?", [org.suzhou]);
    const partner = await addPartner(t.ctx, by, {
      name: 'Alpen Medizintechnik AG',
      kind: 'distributor',
      as2Id: 'ALPEN-AS2',
      as2Url: 'https://as2.alpen-med.example/as2',
      certificates: [{ fileName: 'libas2_libas2community.cer', data: readFileSync(join(rootDir, 'tests/fixtures/as2/libas2_libas2community.cer')) }],
    });
    org.alpen = partner.partner.organisationId;
    await t.db.run("UPDATE organisations SET erp_id = 'C-20002' WHERE id = ?", [org.alpen]);
    for (const email of ['qa@meridian-medical.example', 'admin@meridian-medical.example', 'distributor@rhein-medical.example', 'supplier@suzhou-precision.example']) {
      as[email.split('@')[0]!] = await actorFor(t.db, email);
    }
    let n = 0;
    const ship = (erpId: string, lot: string, quantity: number) =>
      receiveErpEvent(t.ctx, {
        webhookId: `msg_fsn_${++n}`,
        sentAt: Math.floor(t.clock.now().getTime() / 1000),
        body: { type: 'shipment.dispatched', timestamp: t.clock.now().toISOString(), data: { shipmentNumber: `SH-FSN-${n}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot, quantity }] } },
      });
    await ship('C-20001', 'L-A', 100);
    await ship('C-20004', 'L-A', 20);
    await ship('C-20002', 'L-A', 8);
    await ship('C-20001', 'L-Z', 5);
    recallId = (await createRecall(t.ctx, as.qa!, rp, { ...newRecall(), credential: { password: demoPassword } })).recallId;
    unreleasedId = (await createRecall(t.ctx, as.qa!, rp, { ...newRecall({ recallNumber: 'FSCA-2026-302', products: [{ gtin: infusionSet, lots: ['L-Z'] }] }), credential: { password: demoPassword } })).recallId;
    await sendRecallNotices(t.ctx, as.qa!, { recallId, portalUrl });
    for (const o of ['rhein', 'suzhou', 'alpen']) notice[o] = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, org[o]!]))!.id;
    t.clock.advance(3_600_000);
    await submitAcknowledgement(t.ctx, as.distributor!, rp, reply());
  });

  afterAll(() => t?.close());

  it('the first notice is revision 1, new, under the recall number as FSN reference', async () => {
    const data = await getNoticeData(t.db, { recallId, distributorOrganisationId: org.rhein! });
    expect(data.fsn).toMatchObject({ reference: 'FSCA-2026-301', type: 'new', revision: 1, revisionToAnswer: 1 });
    expect(await t.db.get('SELECT revision FROM recall_acknowledgements WHERE notice_id = ?', [notice.rhein!])).toEqual({ revision: 1 });
    expect(pdfTextFlat((await renderRecallAttachment(t.db, { kind: 'recall-notice-pdf', ref: { recallId, distributorOrganisationId: org.rhein!, locale: 'en' } })).content)).toContain(
      'Recall number FSCA-2026-301 (FSN reference) · New notice (revision 1)',
    );
  });

  it('is refused to anyone but QA, without a change text, with a wrong password, and on a recall not open; nothing is written', async () => {
    const before = await footprint(t.db);
    for (const who of ['admin', 'distributor', 'supplier']) {
      expect((await refusal(issueNoticeRevision(t.ctx, as[who]!, rp, { ...update, recallId, portalUrl, credential: { password: demoPassword } }))).code).toBe('forbidden');
    }
    const blank = await refusal(issueNoticeRevision(t.ctx, as.qa!, rp, { ...update, type: 'recall', change: ' ', recallId, portalUrl, credential: { password: '' } }));
    expect(blank.code).toBe('invalid_input');
    expect(blank.problems).toEqual({ type: { code: 'fsnRevision.typeUnknown' }, change: { code: 'fsnRevision.changeRequired' } });
    expect((await refusal(issueNoticeRevision(t.ctx, as.qa!, rp, { ...update, recallId, portalUrl, credential: { password: '' } }))).problems).toEqual({ password: { code: 'signatures.passwordRequired' } });
    expect((await refusal(issueNoticeRevision(t.ctx, as.qa!, rp, { ...update, recallId, portalUrl, credential: { password: 'not-the-password' } }))).code).toBe('invalid_credentials');
    await t.db.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [as.qa!.userId]);
    const received = await refusal(issueNoticeRevision(t.ctx, as.qa!, rp, { ...update, recallId: unreleasedId, portalUrl, credential: { password: demoPassword } }));
    expect([received.code, received.problems]).toEqual(['conflict', { recall: { code: 'fsnRevision.notOpen' } }]);
    expect((await refusal(issueNoticeRevision(t.ctx, as.qa!, rp, { ...update, recallId: 'rcl_nope', portalUrl, credential: { password: demoPassword } }))).code).toBe('not_found');
    expect(await footprint(t.db)).toEqual(before);
  });

  it('an update, signed, goes to every consignee: mail in its languages with the PDFs, AS2 for the EDI partner, the audit entry and recall.notice_revised [REQ-MDCG-FSN-02]', async () => {
    t.clock.advance(2 * 86_400_000);
    const issued = await issueNoticeRevision(t.ctx, as.qa!, rp, { ...update, recallId, portalUrl, credential: { password: demoPassword } });
    expect(issued).toMatchObject({ revision: 2, type: 'update', notices: 3, mails: 2, as2: 1 });

    const row = await t.db.get<{ type: string; payload: string; record_hash: string; signature_id: string; created_by: string }>('SELECT type, payload, record_hash, signature_id, created_by FROM recall_notice_revisions WHERE id = ?', [issued.revisionId]);
    expect(row).toMatchObject({ type: 'update', created_by: as.qa!.userId });
    expect(JSON.parse(row!.payload)).toMatchObject({ fsnReference: 'FSCA-2026-301', revision: 2, type: 'update', change: update.change, hazard: 'Under-infusion; air embolism' });
    const signature = await t.db.get<{ meaning: string; record_hash: string; entity_type: string }>('SELECT meaning, record_hash, entity_type FROM signatures WHERE id = ?', [row!.signature_id]);
    expect(signature).toEqual({ meaning: 'approval', record_hash: row!.record_hash, entity_type: 'recall_notice_revision' });

    const mails = await t.db.all<{ id: string; to_address: string; subject: string; text_body: string; attachments: string; entity_id: string }>(
      "SELECT id, to_address, subject, text_body, attachments, entity_id FROM mail_messages WHERE purpose = 'recall.notice_revised' ORDER BY to_address",
    );
    expect(mails.map((m) => [m.to_address, m.entity_id])).toEqual([
      ['distributor@rhein-medical.example', notice.rhein],
      ['recall@suzhou-trading.example', notice.suzhou],
    ]);
    expect(mails[0]!.subject).toBe('Aktualisierung 2: Sicherheitsinformation FSCA-2026-301 — bitte erneut antworten / Update 2: field safety notice FSCA-2026-301 — please reply again / 更新 2：现场安全通知 FSCA-2026-301 — 请再次回复');
    expect(JSON.parse(mails[0]!.attachments).map((a: { ref: { locale: string } }) => a.ref.locale)).toEqual(['de', 'en', 'zh-CN']);
    const german = mailText(t.db, mails[0]!);
    expect(german).toContain('Aktualisierung 2 (2026-03-04) — ersetzt die Mitteilung vom 2026-03-02');
    expect(german).toContain(update.changeTranslations.de);
    expect(german).toContain('Update 2 (2026-03-04) — supersedes the notice of 2026-03-02');
    expect(german).toContain(update.change);
    expect(mailText(t.db, mails[1]!)).toContain(update.changeTranslations['zh-CN']);

    const as2 = await t.db.all<{ filename: string; relates_to_id: string; purpose: string }>("SELECT filename, relates_to_id, purpose FROM as2_outbound_messages WHERE filename LIKE '%-r2-%' ORDER BY filename");
    expect(as2).toEqual([
      { filename: 'field-safety-notice-FSCA-2026-301-r2-en.pdf', relates_to_id: notice.alpen, purpose: 'recall_notice' },
      { filename: 'field-safety-notice-FSCA-2026-301-r2-zh-CN.pdf', relates_to_id: notice.alpen, purpose: 'recall_notice' },
    ]);
    // Reached over AS2 only, the partner answers through the PDF: the revised one carries its reply link too.
    const [as2Pdf] = await t.db.all<{ payload: ArrayBuffer }>("SELECT payload FROM as2_outbound_messages WHERE filename = 'field-safety-notice-FSCA-2026-301-r2-en.pdf'");
    // (The link wraps at the page's edge: read without blanks.)
    expect(pdfText(new Uint8Array(as2Pdf!.payload)).replace(/\s+/g, '')).toMatch(new RegExp(`Replyat:${portalUrl}/notices/${notice.alpen}\\.\\d+\\.[\\w-]+`));

    const [event] = await eventsOf(t.db, 'recall.notice_revised');
    expect(event).toMatchObject({ recallNumber: 'FSCA-2026-301', fsnReference: 'FSCA-2026-301', revision: 2, type: 'update', replyRequested: true, changed: ['hazard'], consignees: 3, mails: 2, as2: 1, signature: { meaning: 'approval' } });
    const audit = await t.db.get<{ new_values: string; reason: string }>("SELECT new_values, reason FROM audit_log WHERE action = 'recall.notice_revised' AND entity_id = ?", [recallId]);
    expect(JSON.parse(audit!.new_values)).toMatchObject({ revisionId: issued.revisionId, revision: 2, type: 'update', recordHash: row!.record_hash, signature: row!.signature_id });
    expect(audit!.reason).toBe(update.change);
  });

  it('the notice PDF names the FSN reference, type and revision and what changed, in English, Chinese and German [REQ-MDCG-FSN-01]', async () => {
    const pdf = async (organisation: string, locale: string) =>
      pdfTextFlat((await renderRecallAttachment(t.db, { kind: 'recall-notice-pdf', ref: { recallId, distributorOrganisationId: organisation, locale } })).content);
    const en = await pdf(org.rhein!, 'en');
    expect(en).toContain('FSCA-2026-301 (FSN reference) · Update 2 (2026-03-04) — supersedes the notice of 2026-03-02');
    expect(en).toContain('What changed');
    expect(en).toContain(update.change);
    expect(en).toContain('please reply again');
    expect(en).toContain('Under-infusion; air embolism');
    const zh = await pdf(org.suzhou!, 'zh-CN');
    // A line wrapped inside a Chinese word reads with a space in it.
    expect(zh).toContain('FSCA-2026-301（FSN 编号） · 更新 2（2026-03-04）— 取代 2026-03-02 的通');
    expect(zh).toContain('变更内容');
    expect(zh).toContain(update.changeTranslations['zh-CN']);
    const de = await pdf(org.rhein!, 'de');
    expect(de).toContain('FSCA-2026-301 (FSN-Referenz) · Aktualisierung 2 (2026-03-04) — ersetzt die Mitteilung vom 2026-03-02');
    expect(de).toContain('Was sich geändert hat');
    // The changed hazard in German; the German reason of the recall stays, it did not change.
    expect(de).toContain('Unterinfusion; Luftembolie');
    expect(de).toContain('Die Rollenklemme kann undicht sein');
    expect(de).not.toContain('Unterinfusion möglich');
  });

  it('a consignee that replied before the update awaits a reply again: its page, the dashboard and the follow-ups say so', async () => {
    expect(await noticeReplyNeededAgain(t.db, notice.rhein!)).toBe(true);
    expect(await noticeReplyNeededAgain(t.db, notice.suzhou!)).toBe(false);
    const dashboard = await getRecallDashboard(t.ctx, as.qa!, recallId);
    expect(dashboard.counts).toMatchObject({ acknowledged: 0, replyNeededAgain: 1 });
    expect(dashboard.nonResponders.map((c) => [c.name, c.replyNeededAgain])).toEqual(
      expect.arrayContaining([[dashboard.consignees.find((c) => c.organisationId === org.rhein)!.name, true]]),
    );
    expect(dashboard.nonResponders).toHaveLength(3);
    // Past the deadline and its grace: the follow-ups chase the consignee that replied to the superseded notice too.
    t.clock.set(new Date('2026-03-15T09:00:00.000Z'));
    const followUps = await sendRecallFollowUps(t.ctx, { portalUrl });
    expect(followUps.map((f) => f.noticeId).sort()).toEqual([notice.rhein, notice.suzhou, notice.alpen].sort());
    expect(followUps.find((f) => f.noticeId === notice.rhein)).toMatchObject({ kind: 'second_notice', sentTo: 'distributor' });
  });

  it('a new reply answers the update and clears it; one written on the form shown before the update is refused', async () => {
    const lots = [{ gtin: infusionSet, lot: 'L-A', received: 100, onHand: 0, quarantined: 0, returned: 100, destroyed: 0, subRecipients: [] }];
    // The form was shown before update 2: its signer has not read what is now asked.
    const stale = await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ lots, answersRevision: 1 })));
    expect(stale).toMatchObject({ code: 'conflict', problems: { answersRevision: { code: 'fsnRevision.revisedMeanwhile', params: { revision: 2 } } } });
    const again = await submitAcknowledgement(t.ctx, as.distributor!, rp, reply({ lots, answersRevision: 2 }));
    expect(again.version).toBe(2);
    expect(await t.db.get('SELECT revision FROM recall_acknowledgements WHERE id = ?', [again.acknowledgementId])).toEqual({ revision: 2 });
    // The revision answered is what the signature binds: changed in the file, the reply no longer verifies.
    expect(await recallRecordFindings(t.db, recallId)).toEqual([]);
    await t.db.run('DROP TRIGGER recall_acknowledgements_no_update');
    await t.db.run('UPDATE recall_acknowledgements SET revision = 1 WHERE id = ?', [again.acknowledgementId]);
    expect(await recallRecordFindings(t.db, recallId)).toContainEqual({ type: 'recall_acknowledgement', id: again.acknowledgementId, problem: 'altered' });
    await t.db.run('UPDATE recall_acknowledgements SET revision = 2 WHERE id = ?', [again.acknowledgementId]);
    await t.db.run("CREATE TRIGGER recall_acknowledgements_no_update BEFORE UPDATE ON recall_acknowledgements BEGIN SELECT RAISE(ABORT, 'acknowledgements are permanent: a correction is a new version'); END");
    expect(await noticeReplyNeededAgain(t.db, notice.rhein!)).toBe(false);
    const dashboard = await getRecallDashboard(t.ctx, as.qa!, recallId);
    expect(dashboard.counts).toMatchObject({ acknowledged: 1, replyNeededAgain: 0 });
    t.clock.advance(30 * 86_400_000);
    expect((await sendRecallFollowUps(t.ctx, { portalUrl })).map((f) => f.noticeId)).not.toContain(notice.rhein);
  });

  it('a follow-up notice adds information and leaves the replies standing', async () => {
    const followUp = await issueNoticeRevision(t.ctx, as.qa!, rp, { type: 'follow_up', change: 'Replacement sets ship from 2026-04-20.', recallId, portalUrl, credential: { password: demoPassword } });
    expect(followUp).toMatchObject({ revision: 3, type: 'follow_up', notices: 3 });
    expect(await noticeReplyNeededAgain(t.db, notice.rhein!)).toBe(false);
    expect((await getRecallDashboard(t.ctx, as.qa!, recallId)).counts).toMatchObject({ acknowledged: 1, replyNeededAgain: 0 });
    expect((await eventsOf(t.db, 'recall.notice_revised')).at(-1)).toMatchObject({ revision: 3, type: 'follow_up', replyRequested: false });
    const data = await getNoticeData(t.db, { recallId, distributorOrganisationId: org.rhein! });
    // The notice in force keeps the update's hazard; the follow-up names the notice it adds to.
    expect(data).toMatchObject({ hazard: 'Under-infusion; air embolism', fsn: { type: 'follow_up', revision: 3, revisionToAnswer: 2, change: 'Replacement sets ship from 2026-04-20.' } });
    const en = pdfTextFlat((await renderRecallAttachment(t.db, { kind: 'recall-notice-pdf', ref: { recallId, distributorOrganisationId: org.rhein!, locale: 'en' } })).content);
    expect(en).toContain('Follow-up 3 (2026-04-14) — adds to the notice of 2026-03-04');
    expect(en).toContain('a reply you already gave stands');
  });

  it('revisions are permanent and verified with the other recall records; a closed recall takes none [REQ-MDCG-FSN-02]', async () => {
    await expect(t.db.run("UPDATE recall_notice_revisions SET payload = '{}'")).rejects.toThrow(/permanent/);
    await expect(t.db.run('DELETE FROM recall_notice_revisions')).rejects.toThrow(/permanent/);
    const records = await verifyRecordHashes(t.db);
    expect(records).toMatchObject({ ok: true, findings: 0 });
    expect(records.checked.recall_notice_revision).toBe(2);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });

    // Level C asks for one effectiveness check of the three consignees (recall-closing.ts): not this test's subject, closed with an override.
    await closeRecall(t.ctx, as.qa!, rp, { recallId, reason: 'All stock accounted for.', overrideReason: 'Effectiveness check not drawn in this test.', credential: { password: demoPassword } });
    const closed = await refusal(issueNoticeRevision(t.ctx, as.qa!, rp, { ...update, recallId, portalUrl, credential: { password: demoPassword } }));
    expect([closed.code, closed.problems]).toEqual(['conflict', { recall: { code: 'fsnRevision.notOpen' } }]);
  });

  it('a revision altered in the database file is found by lotbridge audit verify', async () => {
    await t.db.run('DROP TRIGGER recall_notice_revisions_no_update');
    await t.db.run("UPDATE recall_notice_revisions SET payload = json_set(payload, '$.change', 'Nothing changed.') WHERE revision = 3");
    const findings: { type: string; problem: string }[] = [];
    await verifyRecordHashes(t.db, { onFinding: (f) => findings.push(f) });
    expect(findings).toEqual([expect.objectContaining({ type: 'recall_notice_revision', problem: 'altered' })]);
  });
});

describe('a revised notice to a consignee added late', () => {
  let t: TestDatabase;

  afterAll(() => t?.close());

  it('states its own reply deadline, in its organisation\'s time zone', async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    const qa = await actorFor(t.db, 'qa@meridian-medical.example');
    await receiveErpEvent(t.ctx, {
      webhookId: 'msg_fsn_late_1',
      sentAt: Math.floor(t.clock.now().getTime() / 1000),
      body: { type: 'shipment.dispatched', timestamp: t.clock.now().toISOString(), data: { shipmentNumber: 'SH-FSN-LATE-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot: 'L-A', quantity: 10 }] } },
    });
    const recallId = (
      await createRecall(t.ctx, qa, rp, { ...newRecall({ recallNumber: 'FSCA-2026-311', noticeLanguages: ['en'], translations: {} }), credential: { password: demoPassword } })
    ).recallId;
    await sendRecallNotices(t.ctx, qa, { recallId, portalUrl });
    // Added after the release: its own reply deadline, later than the recall's; it works in Vienna.
    t.clock.advance(5 * 86_400_000);
    const wien = (await createOrganisation(t.ctx, by, { name: 'Wien Medizinprodukte GmbH', kind: 'distributor', erpId: 'C-20005' })).id;
    await t.db.run("UPDATE organisations SET recall_contact_email = 'rueckruf@wien-medizin.example', language = 'en', time_zone = 'Europe/Vienna' WHERE id = ?", [wien]);
    await addConsignee(t.ctx, qa, { recallId, distributorOrganisationId: wien, lines: [{ gtin: infusionSet, lot: 'L-A', quantity: 4 }], reason: 'Shipped from stock not in the ERP', portalUrl });
    const { deadline, recall } = (await t.db.get<{ deadline: string; recall: string }>(
      'SELECT n.response_deadline AS deadline, r.response_deadline AS recall FROM recall_notices AS n JOIN recalls AS r ON r.id = n.recall_id WHERE n.recall_id = ? AND n.distributor_organisation_id = ?',
      [recallId, wien],
    ))!;
    expect(deadline > recall).toBe(true);

    await issueNoticeRevision(t.ctx, qa, rp, { type: 'follow_up', change: 'Replacement sets ship from 2026-04-20.', recallId, portalUrl, credential: { password: demoPassword } });
    const mail = (await t.db.get<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE purpose = 'recall.notice_revised' AND to_address = 'rueckruf@wien-medizin.example'"))!;
    const own = formatInstantIn(deadline, 'Europe/Vienna');
    expect(own).toMatch(/\(Europe\/Vienna, UTC\+1\)$/);
    expect(mailText(t.db, mail)).toContain(`Please reply by ${own}`);
  });
});
