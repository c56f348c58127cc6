// The recall dashboard, effectiveness checks and the 21 CFR 7.53(b) status report on a real
// SQLite file: shipments and the recall arrive as ERP events; notices go out through
// sendRecallNotices and a real SMTP server that refuses one address for good (bounced); two
// distributors acknowledge, one corrects its reply (the latest version counts, never the sum),
// one holds no stock; follow-ups escalate the silent ones after the deadline. The figures are
// asserted exactly, per lot shipped against accounted for; the effectiveness sample is drawn per
// level (A all, C 10 % with a minimum of 1, E none), reproducibly and only once; outcomes are
// recorded and audited; other organisations' users are refused as if the recall did not exist;
// the CSV is parsed back (BOM, RFC 4180 quoting, formula prefix) and the PDF read back with
// pdftotext in English and Chinese.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { openNoticeLink } from '../../shared/recalls/open-notice-link.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { submitAcknowledgement, type AcknowledgementInput } from '../../shared/recalls/submit-acknowledgement.ts';
import { sendRecallFollowUps } from '../../shared/recalls/send-recall-follow-ups.ts';
import { getRecallDashboard } from '../../shared/recalls/get-recall-dashboard.ts';
import { drawEffectivenessChecks, sampleSize } from '../../shared/recalls/draw-effectiveness-checks.ts';
import { effectivenessOutcomeHash, recordEffectivenessCheck } from '../../shared/recalls/record-effectiveness-check.ts';
import { getRecallStatusReport } from '../../shared/recalls/recall-status-report.ts';
import { recallReportCsv } from '../../shared/recalls/recall-report-csv.ts';
import { renderRecallReportPdf } from '../../shared/recalls/render-recall-report-pdf.ts';
import { createMailSender } from '../../shared/mail/mail-sender.ts';
import { createLogger } from '../../shared/log.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { refusal } from '../support/refusal.ts';
import { recallMailSender } from '../support/mail.ts';
import { replyForm } from '../support/reply-form.ts';
import { pdfText } from '../support/pdf-text.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const portalUrl = 'http://portal.test';
const by = { type: 'system' as const, name: 'recall dashboard test' };
const infusionSet = '09506000134352';
const catheter = '09506000134369';
const bouncingAddress = 'recall@huadong-med.example';
const formulaName = '=HYPERLINK("http://evil.example"), Ltd.';

/** RFC 4180 read back: quoted fields with doubled quotes, commas and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

const rank = (recallId: string, orgId: string) => createHash('sha256').update(`${recallId}:${orgId}`).digest('hex');

describe('recall dashboard, effectiveness checks and status report', () => {
  let t: TestDatabase;
  let smtp: TestSmtpServer;
  const as: Record<string, Actor> = {};
  const org: Record<string, string> = {};
  let recallId: string;
  let n = 0;

  const send = async (type: string, data: unknown) =>
    (await receiveErpEvent(t.ctx, { webhookId: `msg_rd_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } })).outcome as {
      recall: string;
    };
  const ship = (erpId: string, lines: unknown[]) => send('shipment.dispatched', { shipmentNumber: `SH-RD-${++n}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines });

  const noticeOf = async (recall: string, orgId: string) =>
    (await t.db.get<{ id: string; link_expires_at: string }>('SELECT id, link_expires_at FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recall, orgId]))!;
  const reply = async (who: string, orgId: string, input: Omit<AcknowledgementInput, 'noticeId' | 'credential' | 'locale' | 'understood' | 'form'>) =>
    submitAcknowledgement(t.ctx, as[who]!, rp, { ...input, form: replyForm(input.lots), noticeId: (await noticeOf(recallId, orgId)).id, understood: true, credential: { password: demoPassword }, locale: 'en' });
  const open = async (orgId: string) => {
    const notice = await noticeOf(recallId, orgId);
    await openNoticeLink(t.ctx, await t.db.transaction((tx) => signNoticeToken(tx, notice.id, notice.link_expires_at)));
  };

  beforeAll(async () => {
    smtp = await startSmtpServer({ refuseRecipient: (address) => (address === bouncingAddress ? { code: 550, message: 'no such mailbox' } : undefined) });

    t = await testDatabase();
    await seedDemo(t.ctx);
    org.rhein = (await t.db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    org.alpen = (await createOrganisation(t.ctx, by, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-20002' })).id;
    org.huadong = (await createOrganisation(t.ctx, by, { name: '华东医疗器械有限公司', kind: 'distributor', erpId: 'C-20003' })).id;
    org.formula = (await createOrganisation(t.ctx, by, { name: formulaName, kind: 'distributor', erpId: 'C-20004' })).id;
    org.nostock = (await createOrganisation(t.ctx, by, { name: 'Nordic Care AB', kind: 'distributor', erpId: 'C-20005' })).id;
    await t.db.run("UPDATE organisations SET recall_contact_email = 'recall@alpen-med.example' WHERE id = ?", [org.alpen]);
    await t.db.run('UPDATE organisations SET recall_contact_email = ? WHERE id = ?', [bouncingAddress, org.huadong]);
    await addUser(t.ctx, by, { email: 'anna@alpen-med.example', displayName: 'Anna Huber', password: demoPassword, organisationId: org.alpen, role: 'distributor_user' });
    await addUser(t.ctx, by, { email: 'erik@nordic-care.example', displayName: 'Erik Lund', password: demoPassword, organisationId: org.nostock, role: 'distributor_user' });
    for (const email of ['qa@meridian-medical.example', 'admin@meridian-medical.example', 'distributor@rhein-medical.example', 'supplier@suzhou-precision.example', 'anna@alpen-med.example', 'erik@nordic-care.example']) {
      as[email.split('@')[0]!] = await actorFor(t.db, email);
    }

    await ship('C-20001', [
      { gtin: infusionSet, lot: 'L-A', quantity: 100 },
      { gtin: infusionSet, lot: 'L-B', quantity: 30 },
      { gtin: catheter, lot: 'K-9', quantity: 5 },
    ]);
    await ship('C-20002', [{ gtin: infusionSet, lot: 'L-B', quantity: 12 }]);
    await ship('C-20003', [{ gtin: infusionSet, lot: 'L-A', quantity: 20 }]);
    await ship('C-20004', [{ gtin: infusionSet, lot: 'L-A', quantity: 3 }]);
    await ship('C-20005', [{ gtin: catheter, lot: 'K-9', quantity: 2 }]);
    t.clock.set('2026-03-02T08:30:00.000Z');
    recallId = (
      await send('recall.issued', {
        recallNumber: 'FSCA-2026-201',
        issuedAt: '2026-03-02T08:00:00Z',
        reason: 'Roller clamp may leak',
        hazard: 'Under-infusion',
        products: [
          { gtin: infusionSet, lots: ['L-A', 'L-B'] },
          { gtin: catheter, lots: ['K-9'] },
        ],
        responseDeadline: '2026-03-12',
        effectivenessLevel: 'C',
      })
    ).recall;
  });

  afterAll(async () => {
    t?.close();
    await smtp?.close();
  });

  it('before the notices go out: every consignee is listed, nothing is notified, no sample can be drawn', async () => {
    const d = await getRecallDashboard(t.ctx, as.qa!, recallId);
    expect(d.recall).toMatchObject({ recallNumber: 'FSCA-2026-201', state: 'received', severity: 2, effectivenessLevel: 'C', responseDeadline: '2026-03-12T23:59:59.999Z', noticesSentAt: null });
    expect(d.counts).toMatchObject({ consignees: 5, notified: 0, withoutAddress: 0, acknowledged: 0, overdue: 0 });
    expect(d.consignees.map((c) => c.delivery)).toEqual(['not_notified', 'not_notified', 'not_notified', 'not_notified', 'not_notified']);
    expect(d.responses).toEqual([]);
    expect((await refusal(drawEffectivenessChecks(t.ctx, as.qa!, recallId))).code).toBe('conflict');
  });

  it('after notices, a bounce, openings, replies with a correction and a no-stock reply, and escalation: the figures are exact', async () => {
    t.clock.set('2026-03-02T09:00:00.000Z');
    expect(await sendRecallNotices(t.ctx, as.qa!, { recallId, portalUrl })).toMatchObject({ notices: 5, mails: 4, withoutAddress: [org.formula] });

    // The real sender against a real SMTP server: the refused address is retried, then failed for good.
    const sender = recallMailSender(t, smtp.url);
    await sender.flush();
    for (const wait of [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000]) {
      t.clock.advance(wait);
      await sender.flush();
    }
    expect(await t.db.get("SELECT state, attempts FROM mail_messages WHERE to_address = ? AND purpose = 'recall.notice'", [bouncingAddress])).toEqual({ state: 'failed', attempts: 5 });

    // Day 1: Rhein opens the link and replies (all stock quarantined).
    t.clock.set('2026-03-02T14:00:00.000Z');
    await open(org.rhein!);
    await reply('distributor', org.rhein!, {
      holdsStock: true,
      lots: [
        { gtin: infusionSet, lot: 'L-A', received: 100, onHand: 60, quarantined: 60, returned: 0, destroyed: 0, subRecipients: [{ name: 'Klinikum Süd', quantity: 40, notifiedOn: '2026-03-02' }] },
        { gtin: infusionSet, lot: 'L-B', received: 30, onHand: 30, quarantined: 30, returned: 0, destroyed: 0, subRecipients: [] },
        { gtin: catheter, lot: 'K-9', received: 5, onHand: 5, quarantined: 5, returned: 0, destroyed: 0, subRecipients: [] },
      ],
    });
    // Day 2: Alpen opens and replies with part of its stock quarantined; Nordic holds none (and never opened the link).
    t.clock.set('2026-03-03T10:00:00.000Z');
    await open(org.alpen!);
    await reply('anna', org.alpen!, { holdsStock: true, lots: [{ gtin: infusionSet, lot: 'L-B', received: 12, onHand: 12, quarantined: 8, returned: 0, destroyed: 0, subRecipients: [] }] });
    await reply('erik', org.nostock!, { holdsStock: false, lots: [{ gtin: catheter, lot: 'K-9', received: 2, onHand: 0, quarantined: 0, returned: 2, destroyed: 0, subRecipients: [] }] });
    // Day 4: Rhein corrects its reply; version 2 replaces version 1 in every figure.
    t.clock.set('2026-03-05T16:00:00.000Z');
    await reply('distributor', org.rhein!, {
      holdsStock: true,
      lots: [
        { gtin: infusionSet, lot: 'L-A', received: 100, onHand: 50, quarantined: 50, returned: 10, destroyed: 0, subRecipients: [{ name: 'Klinikum Süd', quantity: 40, notifiedOn: '2026-03-02' }] },
        { gtin: infusionSet, lot: 'L-B', received: 30, onHand: 20, quarantined: 20, returned: 0, destroyed: 10, subRecipients: [] },
        { gtin: catheter, lot: 'K-9', received: 5, onHand: 0, quarantined: 0, returned: 5, destroyed: 0, subRecipients: [] },
      ],
    });

    const before = await getRecallDashboard(t.ctx, as.qa!, recallId);
    expect(before.counts).toMatchObject({ overdue: 0, escalated: 0 });

    // A week after the deadline the silent ones have had their final notice.
    t.clock.set('2026-03-20T09:00:00.000Z');
    const followUps = await sendRecallFollowUps(t.ctx, { portalUrl });
    expect(followUps.map((f) => [f.noticeId, f.level]).sort()).toEqual(
      [
        [(await noticeOf(recallId, org.huadong!)).id, 3],
        [(await noticeOf(recallId, org.formula!)).id, 3],
      ].sort(),
    );

    const d = await getRecallDashboard(t.ctx, as.admin!, recallId);
    expect(d.asOf).toBe('2026-03-20T09:00:00.000Z');
    expect(d.recall).toMatchObject({ state: 'open', noticesSentAt: '2026-03-02T09:00:00.000Z' });
    expect(d.counts).toEqual({
      consignees: 5,
      notified: 4,
      channels: { email: 4, as2: 0, portal: 3 },
      withoutAddress: 1,
      delivered: 3,
      bounced: 1,
      kept: 0,
      opened: 2,
      acknowledged: 3,
      replyNeededAgain: 0,
      noStock: 1,
      quarantineConfirmed: 1,
      overdue: 2,
      escalated: 2,
    });
    expect(d.lots).toEqual([
      { gtin: infusionSet, lot: 'L-A', shipped: 123, accountedFor: 100, onHand: 50, quarantined: 50, returned: 10, destroyed: 0, distributed: 40 },
      { gtin: infusionSet, lot: 'L-B', shipped: 42, accountedFor: 42, onHand: 32, quarantined: 28, returned: 0, destroyed: 10, distributed: 0 },
      { gtin: catheter, lot: 'K-9', shipped: 7, accountedFor: 7, onHand: 0, quarantined: 0, returned: 7, destroyed: 0, distributed: 0 },
    ]);
    const row = (id: string) => d.consignees.find((c) => c.organisationId === id)!;
    expect(row(org.rhein!)).toMatchObject({
      name: 'Rhein Medical Distribution GmbH',
      recipients: ['distributor@rhein-medical.example'],
      unitsShipped: 135,
      delivery: 'sent',
      firstOpenedAt: '2026-03-02T14:00:00.000Z',
      firstAcknowledgedAt: '2026-03-02T14:00:00.000Z',
      acknowledgedAt: '2026-03-05T16:00:00.000Z',
      version: 2,
      holdsStock: true,
      quarantineConfirmedAt: '2026-03-02T14:00:00.000Z',
      followUpLevel: 0,
      overdue: false,
    });
    expect(row(org.alpen!)).toMatchObject({ delivery: 'sent', version: 1, holdsStock: true, quarantineConfirmedAt: null });
    expect(row(org.nostock!)).toMatchObject({ delivery: 'sent', firstOpenedAt: null, version: 1, holdsStock: false });
    expect(row(org.huadong!)).toMatchObject({ recipients: [bouncingAddress], delivery: 'failed', version: 0, holdsStock: null, followUpLevel: 3, overdue: true });
    expect(row(org.formula!)).toMatchObject({ name: formulaName, recipients: [], delivery: 'no_address', version: 0, followUpLevel: 3, overdue: true });
    expect(d.nonResponders.map((c) => c.organisationId).sort()).toEqual([org.huadong, org.formula].sort());

    // Cumulative per day from the day the notices went out to today.
    expect(d.responses).toHaveLength(19);
    expect(d.responses.slice(0, 4)).toEqual([
      { day: '2026-03-02', acknowledged: 1, opened: 1 },
      { day: '2026-03-03', acknowledged: 3, opened: 2 },
      { day: '2026-03-04', acknowledged: 3, opened: 2 },
      { day: '2026-03-05', acknowledged: 3, opened: 2 },
    ]);
    expect(d.responses.at(-1)).toEqual({ day: '2026-03-20', acknowledged: 3, opened: 2 });
  });

  it('only manufacturer staff see a recall: a distributor or supplier gets not_found, as for an unknown recall', async () => {
    for (const who of ['distributor', 'supplier', 'anna']) {
      expect((await refusal(getRecallDashboard(t.ctx, as[who]!, recallId))).code).toBe('not_found');
      expect((await refusal(getRecallStatusReport(t.ctx, as[who]!, recallId))).code).toBe('not_found');
      expect((await refusal(drawEffectivenessChecks(t.ctx, as[who]!, recallId))).code).toBe('not_found');
      expect((await refusal(recordEffectivenessCheck(t.ctx, as[who]!, rp, { recallId, distributorOrganisationId: org.rhein!, outcome: 'effective', method: 'phone', note: '', credential: { password: demoPassword } }))).code).toBe('not_found');
    }
    expect((await refusal(getRecallDashboard(t.ctx, as.qa!, 'rcl_unknown'))).code).toBe('not_found');
    // An administrator reads the dashboard but does not draw or record checks.
    expect((await refusal(drawEffectivenessChecks(t.ctx, as.admin!, recallId))).code).toBe('forbidden');
  });

  it('level C over 5 consignees draws 1 (the minimum), the first by SHA-256 rank; drawing again adds nothing; audited', async () => {
    const auditBefore = (await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'recall.effectiveness_checks_drawn'"))!.n;
    const drawn = await drawEffectivenessChecks(t.ctx, as.qa!, recallId);
    const expected = Object.values(org).sort((a, b) => (rank(recallId, a) < rank(recallId, b) ? -1 : 1))[0];
    expect(drawn).toMatchObject({ level: 'C', consignees: 5, sampleSize: 1, added: 1 });
    expect(drawn.checks.map((c) => c.distributorOrganisationId)).toEqual([expected]);
    expect(drawn.checks[0]).toMatchObject({ selectedAt: '2026-03-20T09:00:00.000Z', outcome: null });

    const again = await drawEffectivenessChecks(t.ctx, as.qa!, recallId);
    expect(again).toMatchObject({ added: 0, checks: drawn.checks });
    const audits = await t.db.all<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'recall.effectiveness_checks_drawn' ORDER BY seq");
    expect(audits).toHaveLength(auditBefore + 1);
    expect(JSON.parse(audits.at(-1)!.new_values)).toEqual({ level: 'C', consignees: 5, sampleSize: 1, added: [expected] });
  });

  it('an outcome is recorded only for a drawn consignee, with the contact method, signed; a note is required when ineffective; a second record keeps the first [REQ-RCL-EFFECT-01]', async () => {
    const drawnId = (await t.db.get<{ id: string }>('SELECT distributor_organisation_id AS id FROM recall_effectiveness_checks WHERE recall_id = ?', [recallId]))!.id;
    const notDrawn = Object.values(org).find((id) => id !== drawnId)!;
    const check = (input: { distributorOrganisationId: string; outcome: string; method?: string; note?: string; password?: string }) =>
      recordEffectivenessCheck(t.ctx, as.qa!, rp, { recallId, method: 'phone', ...input, credential: { password: input.password ?? demoPassword } });

    const noNote = await refusal(check({ distributorOrganisationId: drawnId, outcome: 'ineffective', note: '  ' }));
    expect(noNote).toMatchObject({ code: 'invalid_input', problems: { note: { code: 'effectiveness.noteRequired' } } });
    const badOutcome = await refusal(check({ distributorOrganisationId: drawnId, outcome: 'maybe', method: 'fax', password: '' }));
    expect(badOutcome.problems).toEqual({ outcome: { code: 'effectiveness.outcome' }, method: { code: 'recallClosing.methodRequired' }, password: { code: 'signatures.passwordRequired' } });
    const stranger = await refusal(check({ distributorOrganisationId: notDrawn, outcome: 'effective' }));
    expect(stranger).toMatchObject({ code: 'unprocessable', problems: { distributorOrganisationId: { code: 'effectiveness.notDrawn' } } });
    expect((await refusal(check({ distributorOrganisationId: drawnId, outcome: 'effective', password: 'not-the-password' }))).code).toBe('invalid_credentials');
    expect(await t.db.get('SELECT COUNT(*) AS n FROM recall_effectiveness_outcomes WHERE recall_id = ?', [recallId])).toEqual({ n: 0 });

    t.clock.set('2026-03-21T10:00:00.000Z');
    const first = await check({ distributorOrganisationId: drawnId, outcome: 'ineffective', method: 'phone', note: 'Stock found on the open shelf' });
    t.clock.set('2026-03-22T10:00:00.000Z');
    const second = await check({ distributorOrganisationId: drawnId, outcome: 'effective', method: 'visit', note: 'Shelf cleared on our visit' });
    expect(second).toMatchObject({ recallId, distributorOrganisationId: drawnId, outcome: 'effective', method: 'visit', note: 'Shelf cleared on our visit', checkedAt: '2026-03-22T10:00:00.000Z' });
    // Both records are kept, each with its method and its own signature (meaning review) over what it records.
    const kept = await t.db.all<{ id: string; outcome: string; method: string; note: string; record_hash: string; meaning: string; signed_hash: string; signer_name: string }>(
      `SELECT r.id, r.outcome, r.method, r.note, r.record_hash, s.meaning, s.record_hash AS signed_hash, s.signer_name
         FROM recall_effectiveness_outcomes r JOIN signatures s ON s.id = r.signature_id WHERE r.recall_id = ? ORDER BY r.checked_at`,
      [recallId],
    );
    expect(kept.map((k) => [k.id, k.outcome, k.method, k.note, k.meaning, k.signer_name])).toEqual([
      [first.id, 'ineffective', 'phone', 'Stock found on the open shelf', 'review', as.qa!.displayName],
      [second.id, 'effective', 'visit', 'Shelf cleared on our visit', 'review', as.qa!.displayName],
    ]);
    const recallNumber = 'FSCA-2026-201';
    expect(kept[0]!.signed_hash).toBe(effectivenessOutcomeHash({ recallId, recallNumber, distributorOrganisationId: drawnId, outcome: 'ineffective', method: 'phone', note: 'Stock found on the open shelf' }));
    expect(kept[1]!.signed_hash).toBe(kept[1]!.record_hash);
    // A kept record is never edited nor removed, even directly in the database.
    await expect(t.db.run("UPDATE recall_effectiveness_outcomes SET outcome = 'effective' WHERE id = ?", [first.id])).rejects.toThrow(/never edited/);
    await expect(t.db.run('DELETE FROM recall_effectiveness_outcomes WHERE id = ?', [first.id])).rejects.toThrow(/DELETE refused/);
    expect(await t.db.get('SELECT outcome, note, checked_at, checked_by FROM recall_effectiveness_checks WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, drawnId])).toEqual({
      outcome: 'effective',
      note: 'Shelf cleared on our visit',
      checked_at: '2026-03-22T10:00:00.000Z',
      checked_by: as.qa!.userId,
    });
    const audits = await t.db.all<{ actor_id: string; old_values: string; new_values: string }>(
      "SELECT actor_id, old_values, new_values FROM audit_log WHERE action = 'recall.effectiveness_check_recorded' ORDER BY seq",
    );
    expect(audits).toHaveLength(2);
    expect(audits[1]!.actor_id).toBe(as.qa!.userId);
    expect(JSON.parse(audits[1]!.old_values)).toEqual({ distributorOrganisationId: drawnId, outcome: 'ineffective', note: 'Stock found on the open shelf', checkedAt: '2026-03-21T10:00:00.000Z' });
    expect(JSON.parse(audits[1]!.new_values)).toEqual({
      distributorOrganisationId: drawnId,
      outcome: 'effective',
      method: 'visit',
      note: 'Shelf cleared on our visit',
      checkedAt: '2026-03-22T10:00:00.000Z',
      record: second.id,
      signature: second.signatureId,
      recordHash: kept[1]!.record_hash,
    });
  });

  it('level A draws every consignee, C over 25 draws 3 (10 % rounded up), E draws none; each reproducible from the SHA-256 rank [REQ-RCL-EFFECT-01]', async () => {
    expect([sampleSize('A', 5), sampleSize('B', 5), sampleSize('C', 5), sampleSize('C', 25), sampleSize('D', 5), sampleSize('D', 120), sampleSize('E', 5), sampleSize('C', 0)]).toEqual([5, 3, 1, 3, 1, 3, 0, 0]);
    const many: string[] = [];
    for (let i = 1; i <= 25; i++) {
      const erpId = `C-3${String(i).padStart(4, '0')}`;
      many.push((await createOrganisation(t.ctx, by, { name: `Sample Distributor ${i}`, kind: 'distributor', erpId })).id);
      await ship(erpId, [{ gtin: infusionSet, lot: 'L-S', quantity: i }]);
    }
    const issue = async (recallNumber: string, effectivenessLevel: string, lots: string[]) => {
      const id = (await send('recall.issued', { recallNumber, issuedAt: '2026-03-22T08:00:00Z', reason: 'Sampling', hazard: 'Under-infusion', products: [{ gtin: infusionSet, lots }], responseDeadline: '2026-04-30', effectivenessLevel })).recall;
      await sendRecallNotices(t.ctx, as.qa!, { recallId: id, portalUrl });
      return id;
    };
    const levelA = await issue('FSCA-2026-A', 'A', ['L-A', 'L-B']);
    const levelC = await issue('FSCA-2026-C', 'C', ['L-S']);
    const levelE = await issue('FSCA-2026-E', 'E', ['L-S']);

    const a = await drawEffectivenessChecks(t.ctx, as.qa!, levelA);
    expect(a).toMatchObject({ level: 'A', consignees: 4, sampleSize: 4, added: 4 });
    expect(a.checks.map((c) => c.distributorOrganisationId).sort()).toEqual([org.rhein, org.alpen, org.huadong, org.formula].sort());

    const c = await drawEffectivenessChecks(t.ctx, as.qa!, levelC);
    expect(c).toMatchObject({ level: 'C', consignees: 25, sampleSize: 3, added: 3 });
    const top3 = [...many].sort((x, y) => (rank(levelC, x) < rank(levelC, y) ? -1 : 1)).slice(0, 3);
    expect(c.checks.map((x) => x.distributorOrganisationId).sort()).toEqual(top3.sort());
    expect((await drawEffectivenessChecks(t.ctx, as.qa!, levelC)).added).toBe(0);

    const e = await drawEffectivenessChecks(t.ctx, as.qa!, levelE);
    expect(e).toMatchObject({ level: 'E', consignees: 25, sampleSize: 0, added: 0, checks: [] });
    expect(await t.db.get('SELECT COUNT(*) AS n FROM recall_effectiveness_checks WHERE recall_id = ?', [levelE])).toEqual({ n: 0 });

    // Without an SMTP server the notices are kept in the local outbox, and the dashboard says so.
    const keeper = createMailSender({ db: t.db, clock: t.clock, log: createLogger('error'), from: 'x@lotbridge.test' });
    await keeper.flush();
    expect((await getRecallDashboard(t.ctx, as.qa!, levelC)).counts).toMatchObject({ consignees: 25, notified: 0, withoutAddress: 25, kept: 0 });
    expect((await getRecallDashboard(t.ctx, as.qa!, levelA)).counts).toMatchObject({ consignees: 4, notified: 3, withoutAddress: 1, kept: 3, delivered: 0 });
  });

  it('the status report carries the six 21 CFR 7.53(b) figures and one row per consignee and lot [REQ-RCL-STATUS-01]', async () => {
    const report = await getRecallStatusReport(t.ctx, as.qa!, recallId);
    expect(report.figures).toEqual({
      notified: { count: 4, consignees: 5, withoutAddress: 1, date: '2026-03-02T09:00:00.000Z', methods: [{ channel: 'email', consignees: 4 }, { channel: 'portal', consignees: 3 }], delivered: 3, bounced: 1, kept: 0 },
      responding: { count: 3, onHand: 82, quarantined: 78, noStock: 1 },
      // Stock at receipt is each consignee's FIRST reply (Rhein's version 1: 60 + 30 + 5 on hand), against the latest.
      stock: { firstReceived: 149, firstOnHand: 107, latestReceived: 149, latestOnHand: 82 },
      notResponding: { count: 2, overdue: 2, names: [formulaName, '华东医疗器械有限公司'] },
      accounted: { shipped: 172, accountedFor: 149, returned: 17, destroyed: 10, distributed: 40, onHand: 82, corrected: 0 },
      effectiveness: { level: 'C', sampleSize: 1, drawn: 1, checked: 1, effective: 1, ineffective: 0 },
      completion: { estimatedOn: null, allRespondedBy: '2026-03-12T23:59:59.999Z', status: 'overdue' },
    });
    expect((await getRecallStatusReport(t.ctx, as.qa!, recallId, { nonResponderNames: false })).figures.notResponding).toEqual({ count: 2, overdue: 2 });
    expect(report.rows).toHaveLength(7);
    const rhein = report.rows.filter((r) => r.organisationId === org.rhein);
    expect(rhein.map((r) => [r.gtin, r.lot, r.shipped, r.received, r.onHand, r.returned, r.destroyed, r.distributed, r.accountedFor, r.version])).toEqual([
      [infusionSet, 'L-A', 100, 100, 50, 10, 0, 40, 100, 2],
      [infusionSet, 'L-B', 30, 30, 20, 0, 10, 0, 30, 2],
      [catheter, 'K-9', 5, 5, 0, 5, 0, 0, 5, 2],
    ]);
    // Stock at receipt (version 1) beside the latest reply (version 2), per lot.
    expect(rhein.map((r) => [r.lot, r.receivedAtFirstReply, r.onHandAtFirstReply, r.onHand])).toEqual([
      ['L-A', 100, 60, 50],
      ['L-B', 30, 30, 20],
      ['K-9', 5, 5, 0],
    ]);
    expect(report.rows.find((r) => r.organisationId === org.huadong)).toMatchObject({ shipped: 20, received: null, onHand: null, accountedFor: null, delivery: 'failed' });
  });

  it('the CSV: BOM, summary as # key,value lines, RFC 4180 quoting, formula cells prefixed, Chinese headers in zh-CN', async () => {
    const report = await getRecallStatusReport(t.ctx, as.qa!, recallId);
    const csv = recallReportCsv(report, 'en');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv.slice(1));
    const summary = Object.fromEntries(rows.filter((r) => r[0]!.startsWith('# ')).map((r) => [r[0]!.slice(2), r[1]]));
    expect(summary).toMatchObject({
      recall_number: 'FSCA-2026-201',
      consignees: '5',
      notified: '4',
      notified_on: '2026-03-02T09:00:00.000Z',
      without_address: '1',
      bounced: '1',
      responding: '3',
      on_hand: '82',
      not_responding: '2',
      shipped: '172',
      accounted_for: '149',
      returned: '17',
      effectiveness_drawn: '1',
      effectiveness_effective: '1',
      all_responded_by: '2026-03-12T23:59:59.999Z',
      completion_status: 'overdue',
    });
    // The formula-like name stays inert in the summary too.
    expect(summary.non_responders).toBe(`'${formulaName}; 华东医疗器械有限公司`);

    const table = rows.filter((r) => !r[0]!.startsWith('# '));
    const [header, ...data] = table;
    expect(header).toEqual([
      'Consignee',
      'ERP number',
      'Recipients',
      'Notice sent',
      'Delivery',
      'First opened',
      'Acknowledged',
      'Acknowledgement version',
      'Holds stock',
      'Quarantine confirmed',
      'Follow-up level',
      'GTIN',
      'Lot',
      'Shipped',
      'Received',
      'On hand',
      'Quarantined',
      'Returned',
      'Destroyed',
      'Distributed',
      'Accounted for',
      'Effectiveness check',
      'Received (first reply)',
      'On hand (first reply)',
      'Corrected',
    ]);
    expect(data).toHaveLength(7);
    const col = (name: string) => header!.indexOf(name);
    const formulaRow = data.find((r) => r[col('ERP number')] === 'C-20004')!;
    expect(formulaRow[col('Consignee')]).toBe(`'${formulaName}`);
    expect(formulaRow[col('Delivery')]).toBe('No address');
    expect(formulaRow[col('Accounted for')]).toBe('');
    // Quoted on the wire because of the comma and the quotes, quotes doubled.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example""), Ltd."`);
    const rheinLA = data.find((r) => r[col('ERP number')] === 'C-20001' && r[col('Lot')] === 'L-A')!;
    expect([rheinLA[col('Shipped')], rheinLA[col('On hand')], rheinLA[col('Returned')], rheinLA[col('Distributed')], rheinLA[col('Accounted for')], rheinLA[col('Acknowledgement version')], rheinLA[col('Holds stock')]]).toEqual([
      '100',
      '50',
      '10',
      '40',
      '100',
      '2',
      'yes',
    ]);
    expect(data.find((r) => r[col('ERP number')] === 'C-20003')![col('Delivery')]).toBe('Bounced');

    const zh = parseCsv(recallReportCsv(report, 'zh-CN').slice(1)).filter((r) => !r[0]!.startsWith('# '));
    expect(zh[0]!.slice(0, 3)).toEqual(['收货方', 'ERP 编号', '收件人']);
    expect(zh.some((r) => r[0] === '华东医疗器械有限公司' && r[4] === '退信')).toBe(true);
  });

  it('the PDF names the figures, lots and non-responders in English and in Chinese, and the same report gives the same bytes [REQ-P11-REC-03] [REQ-I18N-01]', async () => {
    const report = await getRecallStatusReport(t.ctx, as.qa!, recallId);
    const en = await renderRecallReportPdf(report, 'en');
    expect(Buffer.from(en.subarray(0, 5)).toString()).toBe('%PDF-');
    expect(Buffer.from(await renderRecallReportPdf(report, 'en')).equals(Buffer.from(en))).toBe(true);
    const text = pdfText(en);
    for (const expected of [
      'Recall status report — FSCA-2026-201',
      'Recall status report under 21 CFR 7.53(b)',
      '(1) Consignees notified, date and method of notification',
      '4 of 5 consignees notified.',
      'Notified on: 2026-03-02 09:00 UTC',
      'Delivered: 3; bounced: 1; kept in the outbox: 0; without an address: 1.',
      'Consignees responding: 3 (holding no stock: 1).',
      'Quantity on hand: 82 units, of which 78 in quarantine.',
      'Consignees that have not responded: 2 (past the deadline: 2).',
      '华东医疗器械有限公司',
      '149 of 172 units shipped are accounted for.',
      'Level C; sample size 1; drawn so far: 1.',
      'Checked: 1 (effective: 1; ineffective: 0).',
      'All consignees to have responded by: 2026-03-12 23:59 UTC',
      'Estimated completion: not set by QA yet.',
      'Responses over time',
      'Quantities by product and lot',
      'L-A',
      'L-B',
      'K-9',
      catheter,
      'Alpen Medizintechnik AG',
      'Shelf cleared on our visit',
      'page 1 of',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toMatch(new RegExp(`${infusionSet} L-A 123 100 50 50 10 0 40`));
    expect(text).toMatch(/Stock at receipt \(first replies\): 149 units received, 107 on hand; at the latest replies: 149 received, 82 on\s+hand\./);

    const zh = pdfText(await renderRecallReportPdf(report, 'zh-CN'));
    for (const expected of [
      '召回状态报告 — FSCA-2026-201',
      '5 个收货方中已通知 4 个。',
      '已有 3 个收货方回复（其中 1 个无库存）。',
      '2 个收货方尚未回复（其中 2 个已过截止时间）。',
      '发货 172 件中已核实 149 件。',
      '已逾期',
      '按产品和批号统计的数量',
      '华东医疗器械有限公司',
      'L-B',
      '第 1 页',
    ]) {
      expect(zh).toContain(expected);
    }
  });

  it('the audit chain holds after all of it', async () => {
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    const records = await verifyRecordHashes(t.db);
    expect(records).toMatchObject({ ok: true, findings: 0 });
    expect(records.checked.recall).toBeGreaterThan(0);
  });
});
