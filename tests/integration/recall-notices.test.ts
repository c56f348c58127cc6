// A recall from QA's signed creation to the distributors' signed replies, on a real SQLite file
// with a real SMTP server: the recall is refused until complete and signed; notices go to the
// recall contact or the distributor's users, with the PDF attached in both languages and a
// signed link; the link opens the notice without an account (and is refused when forged or
// expired) and leads to an account only through a code mailed to the notice's address; impossible quantities are refused with every problem named and
// nothing written; a correction is a new signed version and the old one stays; the receipt
// PDF reaches the signer; every event validates against the catalogue; the audit chain holds.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createRecall, type NewRecall } from '../../shared/recalls/create-recall.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { openNoticeLink } from '../../shared/recalls/open-notice-link.ts';
import { viewNoticeLink } from '../../shared/recalls/view-notice-link.ts';
import { claimNoticeAccount } from '../../shared/recalls/claim-notice-account.ts';
import { requestNoticeClaimCode } from '../../shared/recalls/request-notice-claim-code.ts';
import { submitAcknowledgement, type AcknowledgementInput, type AcknowledgementLotInput } from '../../shared/recalls/submit-acknowledgement.ts';
import { getAcknowledgement } from '../../shared/recalls/get-acknowledgement.ts';
import { closeRecall } from '../../shared/recalls/close-recall.ts';
import { renderRecallAttachment } from '../../shared/recalls/render-recall-attachment.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { createMailSender } from '../../shared/mail/mail-sender.ts';
import { listMail } from '../../shared/mail/list-mail.ts';
import { inviteUser } from '../../shared/users/invite-user.ts';
import { createLogger } from '../../shared/log.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp.ts';
import { mailText, withMailText, recallMailSender } from '../support/mail.ts';
import { refusal } from '../support/refusal.ts';
import { replyForm } from '../support/reply-form.ts';
import { pdfText } from '../support/pdf-text.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const portalUrl = 'http://portal.test';
const by = { type: 'system' as const, name: 'recall notices test' };
const infusionSet = '09506000134352';
const catheter = '09506000134369';

/** Rows that would change if a refused call had written anything. */
async function footprint(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['recalls', 'recall_consignees', 'recall_notices', 'recall_acknowledgements', 'recall_acknowledgement_lots', 'recall_subrecipients', 'signatures', 'outbox', 'mail_messages', 'users']) {
    out[table] = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
  }
  return out;
}

async function eventsOf(db: Db, type: string): Promise<Record<string, unknown>[]> {
  const rows = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
    'SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = ? ORDER BY position',
    [type],
  );
  return rows.map((r) => validateEvent(JSON.parse(webhookBody(r)), 'outbound').data);
}

describe('recall notices and signed replies', () => {
  let t: TestDatabase;
  let smtp: TestSmtpServer;
  let received: ReceivedMail[];
  const as: Record<string, Actor> = {};
  const org: Record<string, string> = {};
  let recallId: string;
  /** Every claim code mailed so far (read from the sealed mail as the sender opens it). */
  const claimCodes: string[] = [];

  const newRecall = (over: Partial<NewRecall> = {}): NewRecall => ({
    recallNumber: 'FSCA-2026-101',
    classifications: [
      { jurisdiction: 'US-FDA', type: 'recall', class: 'II' },
      { jurisdiction: 'CN-NMPA', type: 'recall', class: '2' },
    ],
    reason: 'Roller clamp may leak',
    hazard: 'Under-infusion',
    actions: ['quarantine', 'return'],
    instructionText: 'Use the enclosed return form.',
    products: [{ gtin: infusionSet, lots: ['L-A', 'L-B'] }],
    responseDeadline: '2026-03-12',
    effectivenessLevel: 'B',
    effectivenessPercent: 30,
    noticeLanguages: ['en', 'zh-CN'],
    translations: { de: { reason: 'Die Rollenklemme kann undicht sein', hazard: 'Unterinfusion möglich', instructionText: 'Verwenden Sie das beiliegende Rücksendeformular.' } },
    ...over,
  });

  const fullReply = (over: Partial<AcknowledgementInput> = {}): AcknowledgementInput => ({
    form: replyForm(over.lots ?? [{ subRecipients: [1] }]),
    noticeId: '',
    understood: true,
    holdsStock: true,
    lots: [
      { gtin: infusionSet, lot: 'L-A', received: 100, onHand: 60, quarantined: 60, returned: 0, destroyed: 0, subRecipients: [{ name: 'Klinikum Süd', contact: 'einkauf@klinikum-sued.example', quantity: 40, notifiedOn: '2026-03-02' }] },
      { gtin: infusionSet, lot: 'L-B', received: 30, onHand: 30, quarantined: 30, returned: 0, destroyed: 0, subRecipients: [] },
    ],
    credential: { password: demoPassword },
    locale: 'en',
    ...over,
  });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    received = smtp.received;

    t = await testDatabase();
    await seedDemo(t.ctx);
    org.rhein = (await t.db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    // A distributor known only by its recall contact, and one nobody can be mailed at.
    org.alpen = (await createOrganisation(t.ctx, by, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-20002' })).id;
    await t.db.run("UPDATE organisations SET recall_contact_email = 'recall@alpen-med.example' WHERE id = ?", [org.alpen!]);
    org.silent = (await createOrganisation(t.ctx, by, { name: 'Silent Supply Ltd.', kind: 'distributor', erpId: 'C-20003' })).id;
    for (const email of ['qa@meridian-medical.example', 'admin@meridian-medical.example', 'distributor@rhein-medical.example', 'supplier@suzhou-precision.example']) {
      as[email.split('@')[0]!] = await actorFor(t.db, email);
    }

    let n = 0;
    const ship = (erpId: string, lines: unknown[]) =>
      receiveErpEvent(t.ctx, {
        webhookId: `msg_rn_${++n}`,
        sentAt: Math.floor(t.clock.now().getTime() / 1000),
        body: { type: 'shipment.dispatched', timestamp: t.clock.now().toISOString(), data: { shipmentNumber: `SH-RN-${n}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines } },
      });
    await ship('C-20001', [
      { gtin: infusionSet, lot: 'L-A', quantity: 100 },
      { gtin: infusionSet, lot: 'L-B', quantity: 30 },
      { gtin: catheter, lot: 'K-9', quantity: 5 },
    ]);
    await ship('C-20002', [{ gtin: infusionSet, lot: 'L-B', quantity: 12 }]);
    await ship('C-20003', [{ gtin: infusionSet, lot: 'L-A', quantity: 3 }]);
  });

  afterAll(async () => {
    t?.close();
    await smtp?.close();
  });

  it('QA must give a complete recall: every problem is named at once and nothing is written', async () => {
    const before = await footprint(t.db);
    const e = await refusal(
      createRecall(t.ctx, as.qa!, rp, {
        ...newRecall({ recallNumber: '', classifications: [{ jurisdiction: 'US-FDA', type: 'fsca', class: 'II' }], hazard: ' ', actions: [], products: [{ gtin: '09506000134353', lots: ['L-A'] }], responseDeadline: '2026-03-01', effectivenessLevel: 'F' }),
        credential: { password: demoPassword },
      }),
    );
    expect(e.code).toBe('invalid_input');
    expect(e.problems).toMatchObject({
      recallNumber: { code: 'recalls.badRecallNumber' },
      'classifications/0': { code: 'recalls.classificationType', params: { jurisdiction: 'US-FDA', types: 'recall, correction' } },
      hazard: { code: 'recalls.hazardRequired' },
      actions: { code: 'recalls.actionsNone' },
      'products/0/gtin': { code: 'recalls.badGtin', params: { gtin: '09506000134353' } },
      responseDeadline: { code: 'recalls.deadlinePast' },
      effectivenessLevel: { code: 'recalls.badLevel' },
    });
    expect(await footprint(t.db)).toEqual(before);
  });

  it('only manufacturer QA can issue a recall, and only with the right password', async () => {
    for (const who of ['admin', 'distributor', 'supplier']) {
      expect((await refusal(createRecall(t.ctx, as[who]!, rp, { ...newRecall(), credential: { password: demoPassword } }))).code).toBe('forbidden');
    }
    const before = await footprint(t.db);
    const wrong = await refusal(createRecall(t.ctx, as.qa!, rp, { ...newRecall(), credential: { password: 'not-the-password' } }));
    expect(wrong.code).toBe('invalid_credentials');
    expect(await footprint(t.db)).toEqual(before);
    await t.db.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [as.qa!.userId]);
  });

  it('a signed recall records its consignees from the shipments, the signature and recall.created [REQ-TRACE-01]', async () => {
    const created = await createRecall(t.ctx, as.qa!, rp, { ...newRecall(), credential: { password: demoPassword } });
    recallId = created.recallId;
    expect(created).toMatchObject({ consignees: 3, lines: 4, units: 145 });
    const recall = await t.db.get<{ state: string; severity: number; response_deadline: string; effectiveness_level: string; record_hash: string; source: string }>(
      'SELECT state, severity, response_deadline, effectiveness_level, record_hash, source FROM recalls WHERE id = ?',
      [recallId],
    );
    expect(recall).toMatchObject({ state: 'received', severity: 2, response_deadline: '2026-03-12T23:59:59.999Z', effectiveness_level: 'B', source: 'portal' });
    const signature = await t.db.get<{ meaning: string; record_hash: string; signer_name: string }>("SELECT meaning, record_hash, signer_name FROM signatures WHERE entity_type = 'recall' AND entity_id = ?", [recallId]);
    expect(signature).toMatchObject({ meaning: 'approval', record_hash: recall!.record_hash, signer_name: as.qa!.displayName });
    const [event] = await eventsOf(t.db, 'recall.created');
    expect(event).toMatchObject({ recallId, recallNumber: 'FSCA-2026-101', consignees: 3, unitsShipped: 145, signature: { meaning: 'approval' } });
    expect((await refusal(createRecall(t.ctx, as.qa!, rp, { ...newRecall(), credential: { password: demoPassword } }))).code).toBe('conflict');
  });

  it('notices go to the recall contact or the users, with a signed link; a distributor without an address is named', async () => {
    expect((await refusal(sendRecallNotices(t.ctx, as.distributor!, { recallId, portalUrl }))).code).toBe('forbidden');
    const sent = await sendRecallNotices(t.ctx, as.qa!, { recallId, portalUrl });
    expect(sent).toEqual({ notices: 3, mails: 2, withoutAddress: [org.silent] });
    expect((await refusal(sendRecallNotices(t.ctx, as.qa!, { recallId, portalUrl }))).code).toBe('conflict');

    const mails = withMailText(
      t.db,
      await t.db.all<{ id: string; to_address: string; subject: string; text_body: string; attachments: string; organisation_id: string }>(
        "SELECT id, to_address, subject, text_body, attachments, organisation_id FROM mail_messages WHERE purpose = 'recall.notice' ORDER BY to_address",
      ),
    );
    expect(mails.map((m) => m.to_address)).toEqual(['distributor@rhein-medical.example', 'recall@alpen-med.example']);
    // Rhein Medical (the demo's German distributor) reads German first, then the notice languages;
    // the reason in each language as the recall gives it there.
    expect(mails[0]!.subject).toBe('DRINGENDE Sicherheitsinformation — Rückruf FSCA-2026-101 / URGENT field safety notice — recall FSCA-2026-101 / 紧急现场安全通知 — 召回 FSCA-2026-101');
    expect(mails[0]!.text_body.indexOf('An Rhein Medical Distribution GmbH,')).toBe(0);
    expect(mails[0]!.text_body).toContain('Grund: Die Rollenklemme kann undicht sein');
    expect(mails[0]!.text_body).toContain('Bitte melden Sie sich bis 2026-03-12 23:59 UTC zurück');
    expect(mails[0]!.text_body).toContain('Reason: Roller clamp may leak');
    expect(mails[0]!.text_body).toContain('Please reply by 2026-03-12 23:59 UTC');
    expect(mails[0]!.text_body).toContain('请于 2026-03-12 23:59 UTC 前回复');
    expect(JSON.parse(mails[0]!.attachments)).toEqual([
      { kind: 'recall-notice-pdf', ref: { recallId, distributorOrganisationId: org.rhein, locale: 'de' } },
      { kind: 'recall-notice-pdf', ref: { recallId, distributorOrganisationId: org.rhein, locale: 'en' } },
      { kind: 'recall-notice-pdf', ref: { recallId, distributorOrganisationId: org.rhein, locale: 'zh-CN' } },
    ]);
    // An organisation in English gets the recall's notice languages as before, and no German.
    expect(mails[1]!.subject).toBe('URGENT field safety notice — recall FSCA-2026-101 / 紧急现场安全通知 — 召回 FSCA-2026-101');
    expect(mails[1]!.text_body).not.toContain('Rollenklemme');
    expect(JSON.parse(mails[1]!.attachments).map((a: { ref: { locale: string } }) => a.ref.locale)).toEqual(['en', 'zh-CN']);
    const events = await eventsOf(t.db, 'recall.notice_sent');
    expect(events.map((e) => [(e.distributor as { erpId: string }).erpId, e.method, e.recipients])).toEqual([
      ['C-20002', 'email', 1],
      ['C-20001', 'email', 1],
      ['C-20003', 'none', 0],
    ]);
    expect(events.find((e) => (e.distributor as { erpId: string }).erpId === 'C-20001')!.lots).toEqual([
      { gtin: infusionSet, lot: 'L-A', quantityShipped: 100 },
      { gtin: infusionSet, lot: 'L-B', quantityShipped: 30 },
    ]);
    expect(await t.db.get('SELECT state FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'open' });
  });

  it('the mail reaches a real SMTP server with the notice PDFs in its languages, naming the lots shipped to that distributor', async () => {
    const sender = recallMailSender(t, smtp.url);
    await sender.flush();
    const toRhein = received.find((m) => m.to.includes('distributor@rhein-medical.example'))!;
    expect(toRhein.raw).toMatch(/filename=field-safety-notice-FSCA-2026-101-de\.pdf/);
    expect(toRhein.raw).toMatch(/filename=field-safety-notice-FSCA-2026-101-en\.pdf/);
    expect(toRhein.raw).toMatch(/filename=field-safety-notice-FSCA-2026-101-zh-CN\.pdf/);
    const pdfs = [...toRhein.raw.matchAll(/Content-Type: application\/pdf[\s\S]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n(?:\r\n)?--/g)].map((m) => Buffer.from(m[1]!.replace(/\r\n/g, ''), 'base64'));
    expect(pdfs).toHaveLength(3);
    // The German notice: German headings with the German reason, hazard and instructions QA signed.
    const german = pdfText(pdfs.shift()!);
    for (const text of ['Dringende Sicherheitsinformation', 'Sicherheitskorrekturmaßnahme im Feld — Rückruf FSCA-2026-101', 'Grund für diese Maßnahme', 'Die Rollenklemme kann undicht sein', 'Gefährdung für Patienten und Anwender', 'Unterinfusion möglich', 'Verwenden Sie das beiliegende Rücksendeformular.', 'An Sie gelieferte Chargen und Seriennummern', 'Frist für die Rückmeldung: 2026-03-12']) {
      expect(german).toContain(text);
    }
    expect(german).toMatch(/L-A 100/);
    expect(german).not.toContain('Roller clamp');
    const english = pdfText(pdfs[0]!);
    expect(english).toContain('Roller clamp may leak');
    expect(english).not.toContain('Rollenklemme');
    expect(english).toContain('FSCA-2026-101');
    expect(english).toMatch(/L-A 100/);
    expect(english).toMatch(/L-B 30/);
    expect(english).not.toContain('K-9');
    expect(pdfText(pdfs[1]!)).toContain('召回');
    const sentRows = await t.db.all<{ state: string }>("SELECT state FROM mail_messages WHERE purpose = 'recall.notice'");
    expect(sentRows.every((r) => r.state === 'sent')).toBe(true);
  });

  const linkOf = (raw: string) => /http:\/\/portal\.test\/notices\/(rnt_[a-z2-7]+\.\d+\.[A-Za-z0-9_-]{43})/.exec(raw.replace(/=\r\n/g, ''))![1]!;

  it('the link from the mail opens the notice without an account; openings are counted, the first one posted', async () => {
    const token = linkOf(received.find((m) => m.to.includes('recall@alpen-med.example'))!.raw);
    const first = await openNoticeLink(t.ctx, token);
    expect(first).toMatchObject({ recallNumber: 'FSCA-2026-101', distributorOrganisationId: org.alpen, firstOpen: true, recipients: [{ email: 'recall@alpen-med.example', hasAccount: false }] });
    expect(first.lots).toEqual([{ gtin: infusionSet, lot: 'L-B', quantityShipped: 12 }]);
    const again = await openNoticeLink(t.ctx, token);
    expect(again.firstOpen).toBe(false);
    expect(await t.db.get('SELECT open_count FROM recall_notices WHERE id = ?', [first.id])).toEqual({ open_count: 2 });
    expect((await eventsOf(t.db, 'recall.notice_opened')).map((e) => e.noticeId)).toEqual([first.id]);
  });

  it('a forged, altered or expired link is refused', async () => {
    const token = linkOf(received.find((m) => m.to.includes('recall@alpen-med.example'))!.raw);
    const [id, exp, mac] = token.split('.') as [string, string, string];
    expect((await refusal(openNoticeLink(t.ctx, `${id}.${Number(exp) + 86400}.${mac}`))).message).toContain('not valid');
    expect((await refusal(openNoticeLink(t.ctx, `${id}.${exp}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`))).message).toContain('not valid');
    expect((await refusal(openNoticeLink(t.ctx, 'rnt_abc'))).code).toBe('not_found');
    const past = await signNoticeToken(t.db, id, '2026-03-01T00:00:00.000Z');
    const expired = await refusal(openNoticeLink(t.ctx, past));
    expect(expired.code).toBe('forbidden');
    expect(expired.message).toContain('expired');
  });

  it('the notice page behind the link says where its viewer stands, and does not count manufacturer staff opening it', async () => {
    const notice = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE distributor_organisation_id = ? ORDER BY rowid LIMIT 1', [org.rhein!]))!;
    const token = await signNoticeToken(t.db, notice.id, '2027-01-01T00:00:00.000Z');
    const opened = async () => (await t.db.get<{ open_count: number }>('SELECT open_count FROM recall_notices WHERE id = ?', [notice.id]))!.open_count;
    const before = await opened();

    const own = await viewNoticeLink(t.ctx, as.distributor, token);
    expect(own).toMatchObject({ signedInHere: true, signedInElsewhere: false, notice: { id: notice.id, distributorOrganisationId: org.rhein } });
    expect(own.content.distributor.id).toBe(org.rhein);
    expect(await opened()).toBe(before + 1);

    expect(await viewNoticeLink(t.ctx, as.qa, token)).toMatchObject({ signedInHere: false, signedInElsewhere: true });
    expect(await opened()).toBe(before + 1);
    expect(await viewNoticeLink(t.ctx, as.supplier, token)).toMatchObject({ signedInHere: false, signedInElsewhere: true });
    expect(await viewNoticeLink(t.ctx, null, token)).toMatchObject({ signedInHere: false, signedInElsewhere: false });
    expect(await opened()).toBe(before + 3);
    expect((await refusal(viewNoticeLink(t.ctx, null, await signNoticeToken(t.db, notice.id, '2026-03-01T00:00:00.000Z')))).code).toBe('forbidden');
  });

  it('the link alone makes no account: a code mailed to the notice address does, for that address only', async () => {
    const token = linkOf(received.find((m) => m.to.includes('recall@alpen-med.example'))!.raw);
    const codeOf = async (claimId: string) => {
      const mail = (await t.db.get<{ id: string; text_body: string; to_address: string }>(
        "SELECT id, text_body, to_address FROM mail_messages WHERE purpose = 'recall.notice_claim_code' ORDER BY created_at DESC, rowid DESC LIMIT 1",
      ))!;
      expect(mail.to_address).toBe('recall@alpen-med.example');
      const code = /\b(\d{6})\b/.exec(mailText(t.db, mail))![1]!;
      claimCodes.push(code);
      // Only a keyed hash of the code is stored.
      const row = (await t.db.get<{ code_hash: string }>('SELECT code_hash FROM notice_claims WHERE id = ?', [claimId]))!;
      expect(row.code_hash).not.toContain(code);
      return code;
    };
    const claim = (claimId: string, code: string) => claimNoticeAccount(t.ctx, { token, claimId, code, password: 'alpen-recall-pass', confirm: 'alpen-recall-pass' });

    const stranger = await refusal(requestNoticeClaimCode(t.ctx, { token, email: 'someone@else.example', displayName: 'Some One', locale: 'en' }));
    expect(stranger.problems).toEqual({ email: { code: 'notices.notRecipient' } });

    // Five wrong codes lock the claim, each audited; the right code is then refused too.
    const first = await requestNoticeClaimCode(t.ctx, { token, email: 'Recall@Alpen-Med.example', displayName: 'Heidi Frei', locale: 'en' });
    const right = await codeOf(first.claimId);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) expect((await refusal(claim(first.claimId, wrong))).problems).toEqual({ code: { code: 'notices.wrongCode', params: { left: 5 - i } } });
    expect((await refusal(claim(first.claimId, wrong))).problems).toEqual({ code: { code: 'notices.claimLocked' } });
    expect((await refusal(claim(first.claimId, right))).code).toBe('forbidden');
    expect(await t.db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'recall.notice_claim_failed'")).toEqual({ n: 5 });
    expect(await t.db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'recall.notice_claim_locked'")).toEqual({ n: 1 });

    // A code entered after its 15 minutes is refused (its expiry is set back rather than the
    // clock moved on, which the replies below are timed by).
    const second = await requestNoticeClaimCode(t.ctx, { token, email: 'recall@alpen-med.example', displayName: 'Heidi Frei', locale: 'en' });
    const late = await codeOf(second.claimId);
    expect(second.expiresAt).toBe(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());
    await t.db.run('UPDATE notice_claims SET expires_at = ? WHERE id = ?', [t.clock.now().toISOString(), second.claimId]);
    expect((await refusal(claim(second.claimId, late))).problems).toEqual({ code: { code: 'notices.codeExpired' } });
    expect(await actorFor(t.db, 'recall@alpen-med.example').catch(() => null)).toBeNull();

    // At most five codes a day go to one address for one notice (each replaces the one before).
    for (let i = 3; i <= 5; i++) await requestNoticeClaimCode(t.ctx, { token, email: 'recall@alpen-med.example', displayName: 'Heidi Frei', locale: 'en' });
    const capped = await refusal(requestNoticeClaimCode(t.ctx, { token, email: 'recall@alpen-med.example', displayName: 'Heidi Frei', locale: 'en' }));
    expect(capped.problems).toEqual({ email: { code: 'notices.tooManyCodes', params: { max: 5 } } });
    expect(await t.db.get("SELECT COUNT(*) AS n FROM notice_claims WHERE email = 'recall@alpen-med.example' AND state = 'pending'")).toEqual({ n: 1 });
    // A day later (the earlier claims' times set back) a code goes out again.
    await t.db.run("UPDATE notice_claims SET created_at = '2026-03-01T00:00:00.000Z' WHERE email = 'recall@alpen-med.example'");

    // The right code in time creates the account, for the notice's address and the name given.
    const third = await requestNoticeClaimCode(t.ctx, { token, email: 'recall@alpen-med.example', displayName: 'Heidi Frei', locale: 'en' });
    const claimed = await claim(third.claimId, await codeOf(third.claimId));
    expect(claimed.organisationId).toBe(org.alpen);
    expect(claimed.email).toBe('recall@alpen-med.example');
    as.alpen = await actorFor(t.db, 'recall@alpen-med.example');
    expect(as.alpen).toMatchObject({ role: 'distributor_user', organisationId: org.alpen, displayName: 'Heidi Frei' });
    const created = (await t.db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'user.created' AND entity_id = ?", [as.alpen.userId]))!;
    expect(JSON.parse(created.new_values)).toMatchObject({ email: 'recall@alpen-med.example', displayName: 'Heidi Frei', claimId: third.claimId });
    expect((await refusal(requestNoticeClaimCode(t.ctx, { token, email: 'recall@alpen-med.example', displayName: 'Heidi Frei', locale: 'en' }))).code).toBe('conflict');
    expect((await refusal(claim(third.claimId, '123456'))).code).toBe('forbidden');
  });

  it('live links and codes reach the mailbox but are not readable in the database file, and the mail log masks them', async () => {
    await inviteUser(t.ctx, as.admin!, { email: 'lager@alpen-med.example', displayName: 'Urs Lager', role: 'distributor_user', administers: false, organisationId: org.alpen, portalUrl, locale: 'en' });
    const sender = createMailSender({ db: t.db, clock: t.clock, log: createLogger('error'), smtpUrl: smtp.url, from: 'Lotbridge <no-reply@lotbridge.test>', renderAttachment: (a) => renderRecallAttachment(t.db, a) });
    await sender.flush();
    await sender.stop();
    const unfolded = (m: ReceivedMail) => m.raw.replace(/=\r\n/g, '');
    const invitation = received.find((m) => m.to.includes('lager@alpen-med.example'))!;
    const inviteToken = /http:\/\/portal\.test\/invite\/(inv_[a-z2-7]+)/.exec(unfolded(invitation))![1]!;
    const noticeTokens = received.filter((m) => /\/notices\/rnt_/.test(unfolded(m))).map((m) => linkOf(m.raw));
    expect(noticeTokens.length).toBeGreaterThanOrEqual(2);
    expect(claimCodes.length).toBeGreaterThanOrEqual(3);
    const codeMails = received.filter((m) => m.to.includes('recall@alpen-med.example') && /Your code to create your Lotbridge account/.test(unfolded(m)));
    for (const code of claimCodes) expect(codeMails.some((m) => unfolded(m).includes(`\n${code}\r\n`) || unfolded(m).includes(`\n${code}\n`))).toBe(true);

    await t.db.get('PRAGMA wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(t.url.slice('file:'.length));
    expect(bytes.includes(inviteToken)).toBe(false);
    for (const token of noticeTokens) expect(bytes.includes(token)).toBe(false);
    for (const code of claimCodes) expect(bytes.includes(`is:\n\n${code}\n`)).toBe(false);
    expect(bytes.includes('Set your password here')).toBe(false);

    const log = await listMail(t.ctx, as.admin!, { pageSize: 100 });
    const logged = log.items.find((m) => m.purpose === 'user.invitation' && m.to === 'lager@alpen-med.example')!;
    expect(logged.text).toContain('http://portal.test/invite/[hidden]');
    expect(logged.text).toContain('Set your password here');
    expect(log.items.map((m) => m.text).join('\n')).not.toContain(inviteToken);
  });

  it('quantities that cannot be true are refused, every one named, and nothing is written', async () => {
    const noticeId = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE distributor_organisation_id = ?', [org.rhein!]))!.id;
    const before = await footprint(t.db);
    const lots: AcknowledgementLotInput[] = [
      { gtin: infusionSet, lot: 'L-A', received: 100, onHand: 60, quarantined: 70, returned: 0, destroyed: 0, subRecipients: [{ name: 'Klinikum Süd', quantity: 50, notifiedOn: '2026-03-09' }] },
      { gtin: infusionSet, lot: 'L-C', received: -1, onHand: 0, quarantined: 0, returned: 0, destroyed: 0, subRecipients: [] },
    ];
    const e = await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, { ...fullReply(), noticeId, lots }));
    expect(e.code).toBe('invalid_input');
    expect(e.problems).toEqual({
      'lots/0/quarantined': { code: 'reply.quarantinedOverOnHand', params: { quarantined: 70, onHand: 60 } },
      'lots/0/received': { code: 'reply.accountedOverReceived', params: { received: 100, accounted: 110, onHand: 60, returned: 0, destroyed: 0, passedOn: 50 } },
      'lots/0/subRecipients/0/notifiedOn': { code: 'reply.future' },
      'lots/1/lot': { code: 'reply.unknownLot' },
      'lots/1/received': { code: 'reply.count' },
      [`lots/${infusionSet}/L-B`]: { code: 'reply.lotMissing', params: { gtin: infusionSet, lot: 'L-B' } },
    });
    const noStockButOnHand = await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, { ...fullReply(), noticeId, holdsStock: false }));
    expect(noStockButOnHand.problems).toMatchObject({ 'lots/0/onHand': { code: 'reply.noStockOnHand' } });
    expect(await footprint(t.db)).toEqual(before);
  });

  it("another distributor's user cannot see or answer the notice", async () => {
    const noticeId = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE distributor_organisation_id = ?', [org.rhein!]))!.id;
    expect((await refusal(submitAcknowledgement(t.ctx, as.alpen!, rp, { ...fullReply(), noticeId, credential: { password: 'alpen-recall-pass' } }))).code).toBe('not_found');
    expect((await refusal(submitAcknowledgement(t.ctx, as.qa!, rp, { ...fullReply(), noticeId }))).code).toBe('forbidden');
  });

  it('a signed reply confirms the quarantine; a correction is a new version and the first stays as it was', async () => {
    const noticeId = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE distributor_organisation_id = ?', [org.rhein!]))!.id;
    const before = await footprint(t.db);
    expect((await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, { ...fullReply(), noticeId, credential: { password: 'wrong-password' } }))).code).toBe('invalid_credentials');
    expect(await footprint(t.db)).toEqual(before);
    await t.db.run('UPDATE users SET failed_attempts = 0 WHERE id = ?', [as.distributor!.userId]);

    t.clock.advance(3_600_000);
    const v1 = await submitAcknowledgement(t.ctx, as.distributor!, rp, { ...fullReply(), noticeId });
    expect(v1).toMatchObject({ version: 1, quarantineConfirmed: true });
    t.clock.advance(3_600_000);
    const corrected = fullReply({ noticeId, comment: 'Counted again: 5 of L-B were destroyed on site.' });
    corrected.lots[1] = { ...corrected.lots[1]!, onHand: 25, quarantined: 20, destroyed: 5 };
    const v2 = await submitAcknowledgement(t.ctx, as.distributor!, rp, corrected);
    expect(v2).toMatchObject({ version: 2, quarantineConfirmed: false });

    const first = await getAcknowledgement(t.db, as.qa!, v1.acknowledgementId);
    expect(first).toMatchObject({ version: 1, latestVersion: 2, holdsStock: true, signature: { meaning: 'responsibility', signerName: as.distributor!.displayName } });
    expect(first.lots[1]).toMatchObject({ lot: 'L-B', onHand: 30, quarantined: 30, destroyed: 0 });
    expect(first.lots[0]!.subRecipients).toEqual([{ name: 'Klinikum Süd', contact: 'einkauf@klinikum-sued.example', quantity: 40, notifiedOn: '2026-03-02' }]);
    expect((await getAcknowledgement(t.db, as.distributor!, v2.acknowledgementId)).lots[1]).toMatchObject({ onHand: 25, quarantined: 20, destroyed: 5 });
    expect((await refusal(getAcknowledgement(t.db, as.alpen!, v1.acknowledgementId))).code).toBe('not_found');

    await expect(t.db.run('UPDATE recall_acknowledgement_lots SET quarantined = 0')).rejects.toThrow(/permanent/);
    await expect(t.db.run('DELETE FROM recall_acknowledgements')).rejects.toThrow(/permanent/);

    const notice = await t.db.get<{ latest_version: number; first_acknowledged_at: string; quarantine_confirmed_at: string | null }>(
      'SELECT latest_version, first_acknowledged_at, quarantine_confirmed_at FROM recall_notices WHERE id = ?',
      [noticeId],
    );
    expect(notice).toEqual({ latest_version: 2, first_acknowledged_at: '2026-03-02T10:00:00.000Z', quarantine_confirmed_at: null });
    const acknowledged = await eventsOf(t.db, 'recall.acknowledged');
    expect(acknowledged.map((e) => [e.version, (e.lots as { quarantined: number }[]).map((l) => l.quarantined)])).toEqual([
      [1, [60, 30]],
      [2, [60, 20]],
    ]);
    expect((await eventsOf(t.db, 'recall.quarantine_confirmed')).map((e) => [e.version, e.quarantined])).toEqual([[1, 90]]);
  });

  it('"we hold none" is a signed reply too', async () => {
    const noticeId = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE distributor_organisation_id = ?', [org.alpen!]))!.id;
    const r = await submitAcknowledgement(t.ctx, as.alpen!, rp, { noticeId, understood: true, holdsStock: false, lots: [], form: replyForm(), credential: { password: 'alpen-recall-pass' }, locale: 'zh-CN' });
    expect(r).toMatchObject({ version: 1, quarantineConfirmed: true });
    expect((await eventsOf(t.db, 'recall.acknowledged')).at(-1)).toMatchObject({ holdsStock: false, lots: [] });
    expect((await eventsOf(t.db, 'recall.quarantine_confirmed')).length).toBe(1);
  });

  it('the signer receives the receipt PDF, in the language of the reply', async () => {
    const sender = recallMailSender(t, smtp.url);
    await sender.flush();
    const receipts = received.filter((m) => /recall-FSCA-2026-101-reply-v\d\.pdf/.test(m.raw));
    expect(receipts.map((m) => m.to[0])).toEqual(['distributor@rhein-medical.example', 'distributor@rhein-medical.example', 'recall@alpen-med.example']);
    const v2 = (await t.db.get<{ id: string }>("SELECT id FROM recall_acknowledgements WHERE version = 2"))!.id;
    const text = pdfText((await renderRecallAttachment(t.db, { kind: 'recall-receipt-pdf', ref: { acknowledgementId: v2, locale: 'en' } })).content);
    expect(text).toContain('Reply to recall FSCA-2026-101 — version 2');
    expect(text).toContain('Received 30 · on hand 25 · quarantined 20 · returned 0 · destroyed 5 · passed on 0');
    expect(text).toContain('40 to Klinikum Süd, told on 2026-03-02');
    expect(text).toContain(as.distributor!.displayName);
    const zh = (await t.db.get<{ id: string }>('SELECT id FROM recall_acknowledgements WHERE distributor_organisation_id = ?', [org.alpen!]))!.id;
    expect(pdfText((await renderRecallAttachment(t.db, { kind: 'recall-receipt-pdf', ref: { acknowledgementId: zh, locale: 'zh-CN' } })).content)).toContain('不持有任何受影响库存');
  });

  it('the German distributor’s receipt comes in the language of the reply and in German', async () => {
    const receipts = await t.db.all<{ subject: string; attachments: string }>(
      "SELECT subject, attachments FROM mail_messages WHERE purpose = 'recall.receipt' AND to_address = 'distributor@rhein-medical.example' ORDER BY created_at, id",
    );
    expect(receipts.map((r) => r.subject)).toEqual(
      [1, 2].map((v) => `Receipt: your signed reply to recall FSCA-2026-101 (version ${v}) / Empfangsbestätigung: Ihre signierte Rückmeldung zum Rückruf FSCA-2026-101 (Version ${v})`),
    );
    expect(JSON.parse(receipts[1]!.attachments).map((a: { ref: { locale: string } }) => a.ref.locale)).toEqual(['en', 'de']);
    const v2 = (await t.db.get<{ id: string }>('SELECT id FROM recall_acknowledgements WHERE version = 2'))!.id;
    const german = pdfText((await renderRecallAttachment(t.db, { kind: 'recall-receipt-pdf', ref: { acknowledgementId: v2, locale: 'de' } })).content);
    expect(german).toContain('Rückmeldung zum Rückruf FSCA-2026-101 — Version 2');
    expect(german).toContain('Erhalten 30 · vorhanden 25 · in Quarantäne 20 · zurückgesandt 0 · vernichtet 5 · weitergegeben 0');
    expect(german).toContain('Elektronische Signatur');
    // Alpen Medizintechnik is an organisation in English: its receipt stays in the reply's language.
    const alpen = await t.db.all<{ subject: string }>("SELECT subject FROM mail_messages WHERE purpose = 'recall.receipt' AND to_address = 'recall@alpen-med.example'");
    expect(alpen.map((r) => r.subject).join()).not.toContain('Empfangsbestätigung');
  });

  it('close refused with open consignees (counts and names as the problem); QA closes with a signed override reason and the figures; replies are refused after it [REQ-P11-SEQ-01] [REQ-RCL-TERM-01]', async () => {
    expect((await refusal(closeRecall(t.ctx, as.distributor!, rp, { recallId, reason: 'done', credential: { password: demoPassword } }))).code).toBe('forbidden');
    const blank = await refusal(closeRecall(t.ctx, as.qa!, rp, { recallId, reason: ' ', credential: { password: '' } }));
    expect(blank.problems).toEqual({ reason: { code: 'recalls.closeReasonRequired' }, password: { code: 'signatures.passwordRequired' } });
    // Close refused with open consignees: a consignee neither replied nor had its final notice, and no check was drawn.
    const open = await refusal(closeRecall(t.ctx, as.qa!, rp, { recallId, reason: 'All stock accounted for; checks effective.', credential: { password: demoPassword } }));
    expect(open).toMatchObject({ code: 'conflict' });
    expect(open.problems).toEqual({
      consignees: { code: 'recallClosing.consigneesOpen', params: { count: 1, names: 'Silent Supply Ltd.' } },
      sample: { code: 'recallClosing.sampleNotDrawn', params: { missing: 1, sampleSize: 1 } },
    });
    expect(await t.db.get('SELECT state FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'open' });
    // With a signed override reason QA closes anyway; the reason and what was open go with it.
    const closed = await closeRecall(t.ctx, as.qa!, rp, { recallId, reason: 'All stock accounted for; checks effective.', overrideReason: 'Silent Supply ceased trading.', credential: { password: demoPassword } });
    expect(await t.db.get('SELECT state FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'closed' });
    const [event] = await eventsOf(t.db, 'recall.closed');
    expect(event).toMatchObject({
      closedAt: closed.closedAt,
      consignees: 3,
      acknowledged: 2,
      quarantineConfirmed: 0,
      unitsShipped: 145,
      overrideReason: 'Silent Supply ceased trading.',
      open: { consignees: 1, checksUnrecorded: 0, checksUndrawn: 1 },
      signature: { meaning: 'approval' },
    });
    expect((await refusal(closeRecall(t.ctx, as.qa!, rp, { recallId, reason: 'again', credential: { password: demoPassword } }))).code).toBe('conflict');
    const noticeId = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE distributor_organisation_id = ?', [org.rhein!]))!.id;
    const late = await refusal(submitAcknowledgement(t.ctx, as.distributor!, rp, { ...fullReply(), noticeId }));
    expect(late.message).toContain('is closed');
  });

  it('leaves an unbroken audit trail', async () => {
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    const records = await verifyRecordHashes(t.db);
    expect(records).toMatchObject({ ok: true, findings: 0 });
    expect(records.checked.recall_acknowledgement).toBeGreaterThan(1);
    const actions = (await t.db.all<{ action: string }>("SELECT DISTINCT action FROM audit_log WHERE action LIKE 'recall.%' ORDER BY action")).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['recall.issued', 'recall.consignees_resolved', 'recall.notices_sent', 'recall.notice_opened', 'recall.acknowledged', 'recall.acknowledgement_corrected']),
    );
  });
});
