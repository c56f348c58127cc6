// China NMPA recalls (医疗器械召回管理办法, 令第29号) on a real SQLite file with the fixed clock: the
// notification limit of the level runs from the decision (第十四条); QA's home list names a CN-NMPA
// recall whose limit is at risk or passed with consignees not notified, first and overdue first,
// and drops it once every consignee is notified; a notice without any address notifies nobody.
// The three documents for the authority (召回事件报告表, 召回计划, 召回总结评估报告), read back with
// pdftotext, carry the recall number, product, lots, quantities and the level in the Decree's words;
// only manufacturer staff get them, only for a CN-NMPA recall, and each download is audited.
// The notice of a CN-NMPA recall is titled 召回通知 in Chinese and names its level 一级召回.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { qaWorkList } from '../../shared/home/qa-work-list.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { getNmpaTimeline } from '../../shared/recalls/nmpa-timeline.ts';
import { getNmpaDocument } from '../../shared/recalls/nmpa-documents.ts';
import { nmpaDocuments } from '../../shared/recalls/nmpa-limits.ts';
import { renderNmpaDocumentPdf } from '../../shared/recalls/render-nmpa-document-pdf.ts';
import { getNoticeData } from '../../shared/recalls/get-notice-data.ts';
import { renderNoticePdf } from '../../shared/recalls/render-notice-pdf.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { pdfText } from '../support/pdf-text.ts';

const gtin = '09506000999999'; // the demo shipment: DEMO-2601A 120 and DEMO-2601B 40 to Rhein (C-20001)
const portalUrl = 'https://portal.lotbridge.test';
const t0 = '2026-03-02T09:00:00.000Z';
const hours = (h: number) => new Date(Date.parse(t0) + h * 3_600_000).toISOString();

let t: TestDatabase;
let events = 0;
const as = {} as Record<'qa' | 'admin' | 'distributor' | 'supplier', Actor>;
const ids = {} as Record<'alert' | 'late' | 'fda' | 'noAddress', string>;

const erp = async (type: string, data: unknown) =>
  (await receiveErpEvent(t.ctx, { webhookId: `msg_nmpa_${++events}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } })).outcome as { recall: string };
const issue = async (recallNumber: string, classifications: unknown[], extra: Record<string, unknown> = {}) =>
  (
    await erp('recall.issued', {
      recallNumber,
      issuedAt: t.clock.now().toISOString(),
      reason: '输液器滚轮夹可能泄漏',
      hazard: 'Under-infusion',
      classifications,
      instructions: [{ action: 'quarantine' }, { action: 'return' }],
      products: [{ gtin, lots: ['DEMO-2601A', 'DEMO-2601B'], model: 'IS-200', registrationNumber: '国械注准20203140001' }],
      ...extra,
    })
  ).recall;
const nmpa = (level: '1' | '2' | '3') => ({ jurisdiction: 'CN-NMPA', type: 'recall', class: level });
const atRisk = async () => (await qaWorkList(t.ctx, as.qa, { graceDays: 30 })).entries;

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  as.admin = await actorFor(t.db, demo('manufacturer_admin').email);
  as.distributor = await actorFor(t.db, demo('distributor_user').email);
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  t.clock.set(t0);
  await erp('item.upserted', { gtin, description: 'Infusion set IS-200 输液器', unitOfMeasure: 'EA' });
  ids.alert = await issue('NMPA-ALERT-1', [nmpa('1')]);
  // Decided more than 3 days before it reached Lotbridge: a level 2 recall already overdue.
  ids.late = await issue('NMPA-LATE-2', [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }, nmpa('2')], { decidedAt: hours(-73) });
  ids.fda = await issue('FDA-ONLY-3', [{ jurisdiction: 'US-FDA', type: 'recall', class: 'I' }]);
});
afterAll(() => {
  t?.close();
});

describe('the NMPA notification limit on QA’s home list', () => {
  it('is quiet while three quarters of the limit are left', async () => {
    t.clock.set(hours(1));
    const entries = await atRisk();
    const e = entries.find((x) => x.kind === 'recallsNmpaAtRisk')!;
    expect(e.items.map((i) => i.label)).toEqual(['NMPA-LATE-2']);
    expect((await getNmpaTimeline(t.ctx, as.qa, ids.alert))!.limits.status).toBe('on_track');
  });

  it('lists the at-risk and overdue CN-NMPA recalls first, overdue first, each linking to its recall; never a recall of another jurisdiction [REQ-NMPA-02]', async () => {
    t.clock.set(hours(19)); // level 1: 5 of 24 hours left
    const entries = await atRisk();
    expect(entries[0]!.kind).toBe('recallsNmpaAtRisk');
    expect(entries[0]!.count).toBe(2);
    expect(entries[0]!.items).toEqual([
      { id: ids.late, label: 'NMPA-LATE-2', date: hours(-1), when: 'due', overdue: true, href: `/recalls/${ids.late}` },
      { id: ids.alert, label: 'NMPA-ALERT-1', date: hours(24), when: 'due', overdue: false, href: `/recalls/${ids.alert}` },
    ]);
    expect(entries[0]!.items.map((i) => i.id)).not.toContain(ids.fda);
  });

  it('takes the decision from decidedAt when given, else from the issue', async () => {
    const late = (await getNmpaTimeline(t.ctx, as.qa, ids.late))!;
    expect(late).toMatchObject({ decidedAtGiven: true, limits: { level: 2, decidedAt: hours(-73), notifyBy: hours(-1), status: 'overdue', notNotified: 1 } });
    const alert = (await getNmpaTimeline(t.ctx, as.qa, ids.alert))!;
    expect(alert).toMatchObject({ decidedAtGiven: false, limits: { level: 1, decidedAt: t0, notifyBy: hours(24), reportBy: t0, planBy: '2026-03-09T09:00:00.000Z', status: 'at_risk' } });
    expect(await getNmpaTimeline(t.ctx, as.qa, ids.fda)).toBeNull();
  });

  it('drops a recall once every consignee is notified: in time or late, as it happened', async () => {
    await sendRecallNotices(t.ctx, as.qa, { recallId: ids.alert, portalUrl });
    expect((await atRisk())[0]!.items.map((i) => i.label)).toEqual(['NMPA-LATE-2']);
    const alert = (await getNmpaTimeline(t.ctx, as.qa, ids.alert))!.limits;
    expect(alert.status).toBe('met');
    expect(alert.consignees).toEqual([expect.objectContaining({ name: 'Rhein Medical Distribution GmbH', notifiedAt: hours(19), timing: 'in_time' })]);

    await sendRecallNotices(t.ctx, as.qa, { recallId: ids.late, portalUrl });
    const entry = (await atRisk()).find((x) => x.kind === 'recallsNmpaAtRisk')!;
    expect(entry.count).toBe(0);
    expect((await getNmpaTimeline(t.ctx, as.qa, ids.late))!.limits).toMatchObject({ status: 'late', notifiedLate: 1, notNotified: 0 });
  });

  it('a consignee whose notice had no address is not notified: the recall turns overdue', async () => {
    await createOrganisation(t.ctx, { type: 'system', name: 'nmpa test' }, { name: '华东医院', kind: 'distributor', erpId: 'C-NMPA-H' });
    await erp('shipment.dispatched', { shipmentNumber: 'SH-NMPA-H', distributor: { erpId: 'C-NMPA-H' }, dispatchedAt: '2026-02-20T08:00:00Z', lines: [{ gtin, lot: 'DEMO-2601A', quantity: 5 }] });
    ids.noAddress = await issue('NMPA-NOADDR-3', [nmpa('3')]);
    await sendRecallNotices(t.ctx, as.qa, { recallId: ids.noAddress, portalUrl });
    t.clock.set(hours(19 + 7 * 24 + 1));
    const limits = (await getNmpaTimeline(t.ctx, as.qa, ids.noAddress))!.limits;
    expect(limits.consignees.map((c) => [c.name, c.timing])).toEqual([
      ['Rhein Medical Distribution GmbH', 'in_time'],
      ['华东医院', 'overdue'],
    ]);
    expect(limits.status).toBe('overdue');
    expect((await atRisk())[0]!.items.map((i) => i.label)).toEqual(['NMPA-NOADDR-3']);
  });

  it('is read by manufacturer staff only', async () => {
    for (const who of [as.distributor, as.supplier]) expect((await refusal(getNmpaTimeline(t.ctx, who, ids.alert))).code).toBe('not_found');
  });
});

describe('the documents for the NMPA authority', () => {
  const titles = { 'report-form': '医疗器械召回事件报告表', plan: '召回计划', summary: '召回总结评估报告' } as const;

  it.each(nmpaDocuments)('%s in Chinese: the recall number, product, lots, quantities and 一级召回 (the report form and plan: model and 注册证号 too) [REQ-NMPA-03]', async (document) => {
    const data = await getNmpaDocument(t.ctx, as.qa, { recallId: ids.alert, document, locale: 'zh-CN' });
    const text = pdfText(await renderNmpaDocumentPdf(data, 'zh-CN'));
    for (const s of [titles[document], 'NMPA-ALERT-1', 'Infusion set IS-200 输液器', 'DEMO-2601A', 'DEMO-2601B', '一级召回', '召回编号', '第 1 页']) expect(text, s).toContain(s);
    expect(text).not.toMatch(/CN-NMPA|nmpa\./);
    if (document === 'summary') {
      expect(text).toMatch(/Infusion set IS-200 输液器 DEMO-2601A 120 0 0 0 0 0/);
      expect(text).toContain('销售 160 件，已核实 0 件');
      expect(text).toContain('1 家收货方中 0 家已回复，1 家未回复');
      expect(text).toContain('召回尚未完成');
    } else {
      expect(text).toMatch(/IS-200 国械注准20203140001 09506000999999 DEMO-2601A 120/);
      expect(text).toMatch(/Rhein Medical Distribution GmbH 2026-03-03 04:00 UTC 按时/);
    }
    if (document === 'report-form') for (const s of ['输液器滚轮夹可能泄漏', 'Under-infusion', '隔离受影响产品', '召回决定日期', '2026-03-02 09:00 UTC']) expect(text, s).toContain(s);
    if (document === 'plan') for (const s of ['作出召回决定后 1 日内（2026-03-03 09:00 UTC 前）', '五、医疗器械召回后的处理措施']) expect(text, s).toContain(s);
  });

  it('in English too, and each download is in the audit trail [REQ-NMPA-03]', async () => {
    const before = (await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'recall.nmpa_document_downloaded'"))!.n;
    const data = await getNmpaDocument(t.ctx, as.admin, { recallId: ids.late, document: 'plan', locale: 'en' });
    const text = pdfText(await renderNmpaDocumentPdf(data, 'en'));
    for (const s of ['Recall plan', 'NMPA-LATE-2', 'NMPA level II recall', 'within 3 day(s) of the decision', 'late']) expect(text, s).toContain(s);
    const entries = await t.db.all<{ entity_id: string; new_values: string; actor_id: string }>("SELECT entity_id, new_values, actor_id FROM audit_log WHERE action = 'recall.nmpa_document_downloaded' ORDER BY seq");
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({ entity_id: ids.late, actor_id: as.admin.userId });
    expect(JSON.parse(entries.at(-1)!.new_values)).toMatchObject({ document: 'plan', locale: 'en' });
  });

  it('are refused to a distributor and a supplier, for a recall without a CN-NMPA classification and for an unknown document', async () => {
    for (const who of [as.distributor, as.supplier]) expect((await refusal(getNmpaDocument(t.ctx, who, { recallId: ids.alert, document: 'plan', locale: 'zh-CN' }))).code).toBe('not_found');
    expect((await refusal(getNmpaDocument(t.ctx, as.qa, { recallId: ids.fda, document: 'plan', locale: 'zh-CN' }))).code).toBe('not_found');
    expect((await refusal(getNmpaDocument(t.ctx, as.qa, { recallId: ids.alert, document: 'letter', locale: 'zh-CN' }))).code).toBe('not_found');
  });
});

describe('the notice of a CN-NMPA recall', () => {
  it('is titled 召回通知 in Chinese and names the level as the Decree does [REQ-NMPA-01]', async () => {
    const rhein = (await t.db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    const data = await getNoticeData(t.db, { recallId: ids.alert, distributorOrganisationId: rhein });
    const zh = pdfText(await renderNoticePdf(data, 'zh-CN'));
    expect(zh).toContain('召回通知');
    expect(zh).toContain('一级召回');
    expect(zh).not.toContain('紧急现场安全通知');
    expect(zh).not.toMatch(/CN-NMPA|召回 1\b/);
    const en = pdfText(await renderNoticePdf(data, 'en'));
    expect(en).toContain('NMPA level I recall');
  });
});
