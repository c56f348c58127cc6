// Effectiveness checks, closing and the termination request package (21 CFR 7.42(b)(3), 7.53(b),
// 7.55) on a real SQLite file: an ERP recall at level B with QA's percentage draws that share of
// its five consignees; outcomes are recorded with the contact method, signed, and kept; QA closes
// only once every consignee replied or had its final notice and the checks are recorded (or with
// a signed override reason); after close the checks are frozen by the use case and by the
// database's triggers; the 7.55 package PDF is read back with pdftotext.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement, type AcknowledgementInput } from '../../shared/recalls/submit-acknowledgement.ts';
import { sendRecallFollowUps } from '../../shared/recalls/send-recall-follow-ups.ts';
import { drawEffectivenessChecks } from '../../shared/recalls/draw-effectiveness-checks.ts';
import { recordEffectivenessCheck } from '../../shared/recalls/record-effectiveness-check.ts';
import { closeRecall } from '../../shared/recalls/close-recall.ts';
import { getRecallClosing } from '../../shared/recalls/recall-closing.ts';
import { setEstimatedCompletion } from '../../shared/recalls/set-estimated-completion.ts';
import { getRecallStatusReport } from '../../shared/recalls/recall-status-report.ts';
import { getTerminationPackage } from '../../shared/recalls/get-termination-package.ts';
import { renderTerminationPackagePdf } from '../../shared/recalls/render-termination-package-pdf.ts';
import { recordHash } from '../../shared/signatures/record-hash.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { refusal } from '../support/refusal.ts';
import { pdfText } from '../support/pdf-text.ts';
import { eventsOf } from '../support/outbox-events.ts';
import { replyForm } from '../support/reply-form.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const portalUrl = 'http://portal.test';
const by = { type: 'system' as const, name: 'recall closing test' };
const infusionSet = '09506000134352';

describe('effectiveness checks, closing and the termination package', () => {
  let t: TestDatabase;
  const as: Record<string, Actor> = {};
  const org: Record<string, string> = {};
  let recallId: string;
  let n = 0;

  const send = async (type: string, data: unknown) =>
    (await receiveErpEvent(t.ctx, { webhookId: `msg_rc_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } })).outcome as {
      recall: string;
    };
  const issue = (recallNumber: string, extra: Record<string, unknown>) =>
    send('recall.issued', { recallNumber, issuedAt: '2026-03-02T08:00:00Z', reason: 'Roller clamp may leak', hazard: 'Air embolism', products: [{ gtin: infusionSet, lots: ['L-C'] }], responseDeadline: '2026-03-12', ...extra });
  const reply = async (who: string, orgId: string, lot: Omit<AcknowledgementInput['lots'][number], 'gtin' | 'lot' | 'subRecipients'>) => {
    const notice = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, orgId]))!;
    return submitAcknowledgement(t.ctx, as[who]!, rp, {
      noticeId: notice.id,
      understood: true,
      holdsStock: true,
      lots: [{ gtin: infusionSet, lot: 'L-C', subRecipients: [], ...lot }],
      form: replyForm(),
      credential: { password: demoPassword },
      locale: 'en',
    });
  };
  const record = (distributorOrganisationId: string, outcome: string, method: string, note?: string) =>
    recordEffectivenessCheck(t.ctx, as.qa!, rp, { recallId, distributorOrganisationId, outcome, method, note, credential: { password: demoPassword } });
  const close = (input: { reason: string; overrideReason?: string }, id = recallId) => closeRecall(t.ctx, as.qa!, rp, { recallId: id, ...input, credential: { password: demoPassword } });

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    org.rhein = (await t.db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    org.alpen = (await createOrganisation(t.ctx, by, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-20002' })).id;
    for (const [key, name, erpId] of [
      ['berg', 'Berg Klinikbedarf KG', 'C-20003'],
      ['delta', 'Delta Medical Oy', 'C-20004'],
      ['elbe', 'Elbe Praxisbedarf GmbH', 'C-20005'],
    ] as const) {
      org[key] = (await createOrganisation(t.ctx, by, { name, kind: 'distributor', erpId })).id;
    }
    await addUser(t.ctx, by, { email: 'anna@alpen-med.example', displayName: 'Anna Huber', password: demoPassword, organisationId: org.alpen, role: 'distributor_user' });
    for (const email of ['qa@meridian-medical.example', 'admin@meridian-medical.example', 'distributor@rhein-medical.example', 'supplier@suzhou-precision.example', 'anna@alpen-med.example']) {
      as[email.split('@')[0]!] = await actorFor(t.db, email);
    }
    for (const [erpId, quantity] of [['C-20001', 40], ['C-20002', 20], ['C-20003', 10], ['C-20004', 6], ['C-20005', 4]] as const) {
      await send('shipment.dispatched', { shipmentNumber: `SH-RC-${erpId}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot: 'L-C', quantity }] });
    }
    t.clock.set('2026-03-02T08:30:00.000Z');
    recallId = (await issue('FSCA-2026-301', { effectivenessLevel: 'B', effectivenessPercent: 40 })).recall;
  });

  afterAll(() => {
    t?.close();
  });

  it('the ERP gives level B its percentage: stored with the recall, never edited; out of bounds is refused', async () => {
    expect(await t.db.get('SELECT effectiveness_level AS level, effectiveness_percent AS percent FROM recalls WHERE id = ?', [recallId])).toEqual({ level: 'B', percent: 40 });
    await expect(t.db.run('UPDATE recalls SET effectiveness_percent = 90 WHERE id = ?', [recallId])).rejects.toThrow(/never edited/);
    for (const percent of [10, 100]) {
      expect((await refusal(issue(`FSCA-2026-BAD-${percent}`, { effectivenessLevel: 'B', effectivenessPercent: percent }))).code).toBe('invalid_input');
    }
    expect(await t.db.get("SELECT COUNT(*) AS n FROM recalls WHERE recall_number LIKE 'FSCA-2026-BAD-%'")).toEqual({ n: 0 });
  });

  it('the B percentage drives the sample size: 40 % of 5 consignees draws 2 (level B without one would draw 3) [REQ-RCL-STRATEGY-01]', async () => {
    t.clock.set('2026-03-02T09:00:00.000Z');
    await sendRecallNotices(t.ctx, as.qa!, { recallId, portalUrl });
    const drawn = await drawEffectivenessChecks(t.ctx, as.qa!, recallId);
    expect(drawn).toMatchObject({ level: 'B', consignees: 5, sampleSize: 2, added: 2 });
    expect((await drawEffectivenessChecks(t.ctx, as.qa!, recallId)).added).toBe(0);
    const audit = await t.db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'recall.effectiveness_checks_drawn' AND entity_id = ?", [recallId]);
    expect(JSON.parse(audit!.new_values)).toMatchObject({ level: 'B', percent: 40, consignees: 5, sampleSize: 2 });
    const plain = (await issue('FSCA-2026-302', { effectivenessLevel: 'B' })).recall;
    await sendRecallNotices(t.ctx, as.qa!, { recallId: plain, portalUrl });
    expect(await drawEffectivenessChecks(t.ctx, as.qa!, plain)).toMatchObject({ level: 'B', consignees: 5, sampleSize: 3, added: 3 });
    expect((await getRecallStatusReport(t.ctx, as.qa!, recallId)).figures.effectiveness).toMatchObject({ level: 'B', sampleSize: 2, drawn: 2 });
  });

  it('close refused with open consignees and unrecorded checks: the problem names them, with counts; nothing changes [REQ-RCL-TERM-01]', async () => {
    const drawn = (await t.db.all<{ name: string }>('SELECT o.name FROM recall_effectiveness_checks e JOIN organisations o ON o.id = e.distributor_organisation_id WHERE e.recall_id = ? ORDER BY o.name, o.id', [recallId])).map((r) => r.name);
    const refused = await refusal(close({ reason: 'All stock returned.' }));
    expect(refused.code).toBe('conflict');
    expect(refused.problems).toEqual({
      consignees: { code: 'recallClosing.consigneesOpen', params: { count: 5, names: 'Alpen Medizintechnik AG, Berg Klinikbedarf KG, Delta Medical Oy, Elbe Praxisbedarf GmbH, Rhein Medical Distribution GmbH' } },
      checks: { code: 'recallClosing.checksOpen', params: { count: 2, names: drawn.join(', ') } },
    });
    expect(await getRecallClosing(t.ctx, as.qa!, recallId)).toMatchObject({ open: true, problems: refused.problems });
    expect(await t.db.get('SELECT state FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'open' });
    expect(await eventsOf(t.db, 'recall.closed')).toEqual([]);
    // Only manufacturer staff see what is open; anyone else is told the recall does not exist.
    for (const who of ['distributor', 'supplier']) expect((await refusal(getRecallClosing(t.ctx, as[who]!, recallId))).code).toBe('not_found');
  });

  it('QA sets the estimated completion while the recall is open; the status report shows stock at the first reply against the latest [REQ-RCL-STATUS-01]', async () => {
    expect((await refusal(setEstimatedCompletion(t.ctx, as.distributor!, { recallId, date: '2026-04-30' }))).code).toBe('not_found');
    expect((await refusal(setEstimatedCompletion(t.ctx, as.admin!, { recallId, date: '2026-04-30' }))).code).toBe('forbidden');
    expect((await refusal(setEstimatedCompletion(t.ctx, as.qa!, { recallId, date: '30.04.2026' }))).problems).toEqual({ estimatedCompletionOn: { code: 'recalls.badDate' } });
    expect(await setEstimatedCompletion(t.ctx, as.qa!, { recallId, date: '2026-04-30' })).toEqual({ estimatedCompletionOn: '2026-04-30' });

    t.clock.set('2026-03-03T10:00:00.000Z');
    await reply('distributor', org.rhein!, { received: 40, onHand: 40, quarantined: 40, returned: 0, destroyed: 0 });
    await reply('anna', org.alpen!, { received: 20, onHand: 5, quarantined: 5, returned: 10, destroyed: 5 });
    t.clock.set('2026-03-05T10:00:00.000Z');
    await reply('distributor', org.rhein!, { received: 40, onHand: 0, quarantined: 0, returned: 30, destroyed: 10 });

    const report = await getRecallStatusReport(t.ctx, as.qa!, recallId);
    expect(report.figures.stock).toEqual({ firstReceived: 60, firstOnHand: 45, latestReceived: 60, latestOnHand: 5 });
    expect(report.figures.completion).toMatchObject({ estimatedOn: '2026-04-30' });
    expect(report.rows.find((r) => r.organisationId === org.rhein)).toMatchObject({ receivedAtFirstReply: 40, onHandAtFirstReply: 40, received: 40, onHand: 0, returned: 30, version: 2 });
  });

  it('an outcome is kept: a second record is a new entry, and the latest is what the report counts', async () => {
    const [first, second] = (await t.db.all<{ id: string }>('SELECT distributor_organisation_id AS id FROM recall_effectiveness_checks WHERE recall_id = ? ORDER BY distributor_organisation_id', [recallId])).map((r) => r.id);
    t.clock.set('2026-03-06T10:00:00.000Z');
    await record(first!, 'ineffective', 'phone', 'Nobody knew of the notice');
    t.clock.set('2026-03-07T10:00:00.000Z');
    await record(first!, 'effective', 'visit', 'Stock found and quarantined on our visit');
    await record(second!, 'effective', 'letter');
    const kept = await t.db.all<{ outcome: string; method: string; note: string | null }>('SELECT outcome, method, note FROM recall_effectiveness_outcomes WHERE recall_id = ? AND distributor_organisation_id = ? ORDER BY checked_at', [recallId, first!]);
    expect(kept).toEqual([
      { outcome: 'ineffective', method: 'phone', note: 'Nobody knew of the notice' },
      { outcome: 'effective', method: 'visit', note: 'Stock found and quarantined on our visit' },
    ]);
    expect((await getRecallStatusReport(t.ctx, as.qa!, recallId)).figures.effectiveness).toMatchObject({ checked: 2, effective: 2, ineffective: 0 });
  });

  it('with every consignee replied or sent its final notice and the checks recorded, QA closes without an override', async () => {
    // Still open: three consignees without a reply (their follow-ups have not reached the final notice).
    expect((await refusal(close({ reason: 'All stock returned.' }))).problems).toEqual({
      consignees: { code: 'recallClosing.consigneesOpen', params: { count: 3, names: 'Berg Klinikbedarf KG, Delta Medical Oy, Elbe Praxisbedarf GmbH' } },
    });
    t.clock.set('2026-03-20T09:00:00.000Z');
    await sendRecallFollowUps(t.ctx, { portalUrl });
    expect(await t.db.all('SELECT follow_up_level AS level FROM recall_notices WHERE recall_id = ? AND latest_version = 0', [recallId])).toEqual([{ level: 3 }, { level: 3 }, { level: 3 }]);
    expect(await getRecallClosing(t.ctx, as.qa!, recallId)).toMatchObject({ open: false, problems: {} });

    const closed = await close({ reason: 'Consignees replied or had their final notice; checks effective.' });
    const [event] = (await eventsOf(t.db, 'recall.closed')).filter((e) => e.recallNumber === 'FSCA-2026-301');
    expect(event).toMatchObject({ closedAt: closed.closedAt, consignees: 5, acknowledged: 2, unitsShipped: 80, signature: { meaning: 'approval' } });
    expect(event).not.toHaveProperty('overrideReason');
    expect(event).not.toHaveProperty('open');
  });

  it('after close the checks are frozen: recording is refused by the use case, and by the database on a direct UPDATE or INSERT [REQ-RCL-EFFECT-01]', async () => {
    const drawnId = (await t.db.get<{ id: string }>('SELECT distributor_organisation_id AS id FROM recall_effectiveness_checks WHERE recall_id = ? LIMIT 1', [recallId]))!.id;
    const late = await refusal(record(drawnId, 'ineffective', 'phone', 'Too late'));
    expect(late).toMatchObject({ code: 'conflict', problems: { recall: { code: 'recallClosing.checksFrozen' } } });
    await expect(t.db.run("UPDATE recall_effectiveness_checks SET outcome = 'ineffective', note = 'edited' WHERE recall_id = ?", [recallId])).rejects.toThrow(/the recall is closed: its effectiveness checks are frozen/);
    const any = (await t.db.get<{ id: string; signature_id: string; checked_by: string; record_hash: string }>('SELECT id, signature_id, checked_by, record_hash FROM recall_effectiveness_outcomes WHERE recall_id = ? LIMIT 1', [recallId]))!;
    await expect(
      t.db.run(
        "INSERT INTO recall_effectiveness_outcomes (id, recall_id, distributor_organisation_id, outcome, method, note, checked_at, checked_by, record_hash, signature_id) VALUES ('eco_x', ?, ?, 'ineffective', 'phone', NULL, '2026-03-21T00:00:00Z', ?, ?, ?)",
        [recallId, drawnId, any.checked_by, any.record_hash, any.signature_id],
      ),
    ).rejects.toThrow(/frozen/);
    await expect(t.db.run("INSERT INTO recall_effectiveness_checks (recall_id, distributor_organisation_id, selected_at) VALUES (?, ?, '2026-03-21T00:00:00Z')", [recallId, org.elbe!])).rejects.toThrow(/frozen/);
    // The estimate stays as it was, too.
    expect((await refusal(setEstimatedCompletion(t.ctx, as.qa!, { recallId, date: '2026-05-31' }))).problems).toEqual({ estimatedCompletionOn: { code: 'recallClosing.estimateNotOpen' } });
    await expect(t.db.run("UPDATE recalls SET estimated_completion_on = '2026-05-31' WHERE id = ?", [recallId])).rejects.toThrow(/closed recall is never edited/);
    expect(await t.db.get('SELECT COUNT(*) AS n FROM recall_effectiveness_outcomes WHERE recall_id = ?', [recallId])).toEqual({ n: 3 });
  });

  it('QA closes with open items only with an override reason: signed over it, audited and in the event [REQ-RCL-TERM-01]', async () => {
    const other = (await issue('FSCA-2026-303', { effectivenessLevel: 'E' })).recall;
    await sendRecallNotices(t.ctx, as.qa!, { recallId: other, portalUrl });
    expect((await refusal(close({ reason: 'Stock written off.' }, other))).problems).toHaveProperty('consignees');
    const reasons = { reason: 'Stock written off.', overrideReason: 'The authority agreed to terminate: product past expiry.' };
    await close(reasons, other);
    const [event] = (await eventsOf(t.db, 'recall.closed')).filter((e) => e.recallNumber === 'FSCA-2026-303');
    const open = { consignees: 5, checksUnrecorded: 0, checksUndrawn: 0 };
    expect(event).toMatchObject({ ...reasons, open, acknowledged: 0 });
    const audit = await t.db.get<{ new_values: string; reason: string }>("SELECT new_values, reason FROM audit_log WHERE action = 'recall.closed' AND entity_id = ?", [other]);
    expect(JSON.parse(audit!.new_values)).toMatchObject({ overrideReason: reasons.overrideReason, open });
    // The signature binds the override reason and what was open.
    const signature = await t.db.get<{ record_hash: string; meaning: string }>("SELECT record_hash, meaning FROM signatures WHERE entity_type = 'recall' AND entity_id = ? AND reason IS NOT NULL", [other]);
    const figures = { consignees: 5, acknowledged: 0, quarantineConfirmed: 0, unitsShipped: 80 };
    expect(signature).toEqual({ meaning: 'approval', record_hash: recordHash({ recallId: other, recallNumber: 'FSCA-2026-303', action: 'close', reason: reasons.reason, ...figures, overrideReason: reasons.overrideReason, open }) });
  });

  it('the 7.55 termination request package: closing, disposition per lot, check records and the final status report, read back [REQ-RCL-TERM-01]', async () => {
    expect((await refusal(getTerminationPackage(t.ctx, as.distributor!, recallId))).code).toBe('not_found');
    const pkg = await getTerminationPackage(t.ctx, as.qa!, recallId);
    expect(pkg.disposition).toEqual([{ gtin: infusionSet, lot: 'L-C', shipped: 80, accountedFor: 60, returned: 40, destroyed: 15, corrected: 0, onHand: 5, quarantined: 5, distributed: 0, notAccounted: 20 }]);
    expect(pkg.records).toHaveLength(3);
    expect(pkg.closing).toMatchObject({ signerName: as.qa!.displayName, reason: 'Consignees replied or had their final notice; checks effective.', overrideReason: null });
    const bytes = await renderTerminationPackagePdf(pkg, 'en');
    expect(Buffer.from(await renderTerminationPackagePdf(pkg, 'en')).equals(Buffer.from(bytes))).toBe(true);
    const text = pdfText(bytes);
    for (const expected of [
      'Recall termination request · FSCA-2026-301',
      'Request to terminate the recall (21 CFR 7.55)',
      'Estimated completion date 2026-04-30',
      'Consignees replied or had their final notice; checks effective.',
      'Disposition of the recalled units, per lot',
      'How the product was disposed of: 40 units returned to the manufacturer, 15 destroyed at the consignees,',
      '20 not accounted for.',
      'Level B; sample size 2; drawn so far: 2.',
      'Telephone',
      'Visit',
      'Letter',
      'Nobody knew of the notice',
      'Stock found and quarantined on our visit',
      // The final status report follows, with its own figures.
      'Recall status report — FSCA-2026-301',
      'Estimated completion (set by QA): 2026-04-30',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toMatch(new RegExp(`${infusionSet} L-C 80 60 40 15 0 5 ?/ ?5 0 20`));
    expect(text).toMatch(new RegExp(`Closed by ${as.qa!.displayName}, 2026-03-20 09:00 UTC, signed with password\\s+\\(meaning: approval\\)`));

    const zh = pdfText(await renderTerminationPackagePdf(pkg, 'zh-CN'));
    for (const expected of ['召回终止申请 · FSCA-2026-301', '召回产品按批次的处置情况', '电话', '现场走访', '召回状态报告 — FSCA-2026-301']) expect(zh).toContain(expected);
  });

  it('the audit chain and the record hashes hold', async () => {
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    expect(await verifyRecordHashes(t.db)).toMatchObject({ ok: true, findings: 0 });
  });
});
