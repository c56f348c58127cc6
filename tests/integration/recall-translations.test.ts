// A recall's texts per language are part of the signed record (21 CFR 11.70), on a real SQLite
// file: QA signs the hash of the payload with its German reason, hazard and instructions; the
// hash would differ without them; a German text changed behind the triggers' back is named by
// the record-hash check; a recall with one text (none per language) hashes as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createRecall, type NewRecall } from '../../shared/recalls/create-recall.ts';
import { recallRecordHash } from '../../shared/recalls/recall-record-hash.ts';
import { getNoticeData, noticeInLanguage } from '../../shared/recalls/get-notice-data.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { refusal } from '../support/refusal.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const infusionSet = '09506000134352';

const newRecall = (over: Partial<NewRecall> = {}): NewRecall => ({
  recallNumber: 'FSCA-DE-T1',
  classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
  reason: 'Roller clamp may leak',
  hazard: 'Under-infusion',
  actions: ['quarantine'],
  instructionText: 'Use the enclosed return form.',
  products: [{ gtin: infusionSet, lots: ['L-T1'] }],
  responseDeadline: '2026-03-12',
  effectivenessLevel: 'C',
  noticeLanguages: ['en', 'de'],
  translations: { de: { reason: 'Die Rollenklemme kann undicht sein', hazard: 'Unterinfusion', instructionText: 'Verwenden Sie das beiliegende Formular.' }, 'zh-CN': { reason: ' ', hazard: '' } },
  ...over,
});

describe('recall texts per language in the signed record', () => {
  let t: TestDatabase;
  let recallId: string;
  let rhein: string;

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    rhein = (await t.db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    await receiveErpEvent(t.ctx, {
      webhookId: 'msg_tr_1',
      sentAt: Math.floor(t.clock.now().getTime() / 1000),
      body: { type: 'shipment.dispatched', timestamp: t.clock.now().toISOString(), data: { shipmentNumber: 'SH-TR-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot: 'L-T1', quantity: 12 }] } },
    });
    const qa = await actorFor(t.db, 'qa@meridian-medical.example');
    recallId = (await createRecall(t.ctx, qa, rp, { ...newRecall(), credential: { password: demoPassword } })).recallId;
  });

  afterAll(() => t?.close());

  it('refuses a text per language that is too long or in a language the portal does not speak, naming the field', async () => {
    const qa = await actorFor(t.db, 'qa@meridian-medical.example');
    const tooLong = await refusal(createRecall(t.ctx, qa, rp, { ...newRecall({ recallNumber: 'FSCA-DE-T2', translations: { de: { reason: 'x'.repeat(501) }, fr: { reason: 'Fuite' } } }), credential: { password: demoPassword } }));
    expect(tooLong.problems).toEqual({ 'translations/de/reason': { code: 'recalls.tooLong', params: { max: 500 } }, translations: { code: 'recalls.badLanguages' } });
  });

  it('signs the hash of the payload with the German texts; without them the hash differs', async () => {
    const row = (await t.db.get<{ payload: string; record_hash: string }>('SELECT payload, record_hash FROM recalls WHERE id = ?', [recallId]))!;
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    expect(payload.translations).toEqual({ de: { reason: 'Die Rollenklemme kann undicht sein', hazard: 'Unterinfusion', instructionText: 'Verwenden Sie das beiliegende Formular.' } });
    expect(recallRecordHash('portal', payload)).toBe(row.record_hash);
    const { translations: _dropped, ...withoutTranslations } = payload;
    expect(recallRecordHash('portal', withoutTranslations)).not.toBe(row.record_hash);
    expect(await t.db.get("SELECT record_hash FROM signatures WHERE entity_type = 'recall' AND entity_id = ?", [recallId])).toEqual({ record_hash: row.record_hash });
    expect((await verifyRecordHashes(t.db)).ok).toBe(true);
  });

  it('tells the ERP the texts per language in recall.created, valid against its schema', async () => {
    const row = (await t.db.get<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = 'recall.created'",
    ))!;
    const data = validateEvent(JSON.parse(webhookBody(row)), 'outbound').data;
    expect(data.noticeLanguages).toEqual(['en', 'de']);
    expect(data.translations).toEqual({ de: { reason: 'Die Rollenklemme kann undicht sein', hazard: 'Unterinfusion', instructionText: 'Verwenden Sie das beiliegende Formular.' } });
  });

  it('shows each language its own texts and the others the main ones', async () => {
    const data = await getNoticeData(t.db, { recallId, distributorOrganisationId: rhein });
    expect(noticeInLanguage(data, 'de')).toMatchObject({ reason: 'Die Rollenklemme kann undicht sein', hazard: 'Unterinfusion', instructionText: ['Verwenden Sie das beiliegende Formular.'] });
    expect(noticeInLanguage(data, 'zh-CN')).toMatchObject({ reason: 'Roller clamp may leak', hazard: 'Under-infusion', instructionText: ['Use the enclosed return form.'] });
  });

  it('a German text changed behind the triggers is named as an altered record', async () => {
    await t.db.run('DROP TRIGGER recalls_content_fixed');
    await t.db.run("UPDATE recalls SET payload = json_set(payload, '$.translations.de.hazard', 'Keine') WHERE id = ?", [recallId]);
    const findings: unknown[] = [];
    const verdict = await verifyRecordHashes(t.db, { onFinding: (f) => findings.push(f) });
    expect(verdict.ok).toBe(false);
    expect(findings).toContainEqual(expect.objectContaining({ type: 'recall', id: recallId, problem: 'altered' }));
  });
});
