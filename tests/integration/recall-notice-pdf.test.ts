// The field safety notice PDF, read back with poppler's pdftotext: on a real SQLite file, a
// recall from shipments (through the ERP use cases), one distributor's notice in English and in
// Chinese names the recall, every lot shipped to it with its quantity and serials, and none of
// another distributor's lots; equal input gives equal bytes. getRecallNoticePdf gives a signed-in
// user the notice PDF only once it was sent: a distributor its own, manufacturer staff the one
// they name, nobody else (another organisation, a supplier, nobody signed in); getNoticePdfByLink
// gives it to whoever holds the e-mail's link until it expires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { applyShipmentDispatched } from '../../shared/erp/apply-shipment-dispatched.ts';
import { applyRecallIssued } from '../../shared/erp/apply-recall-issued.ts';
import { getNoticeData } from '../../shared/recalls/get-notice-data.ts';
import { renderNoticePdf } from '../../shared/recalls/render-notice-pdf.ts';
import { getRecallNoticePdf } from '../../shared/recalls/get-recall-notice-pdf.ts';
import { getNoticePdfByLink } from '../../shared/recalls/get-notice-pdf-by-link.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { isAppError } from '../../shared/errors.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { pdfText } from '../support/pdf-text.ts';

const infusionSet = '09506000134352';
const catheter = '09506000134369';
const by = { type: 'system' as const, name: 'recall notice test' };

describe('the field safety notice PDF', () => {
  let t: TestDatabase;
  let recallId: string;
  const org: Record<string, string> = {};

  beforeAll(async () => {
    t = await testDatabase();
    org.meridian = (await createOrganisation(t.ctx, by, { name: 'Meridian Medical', kind: 'manufacturer' })).id;
    org.north = (await createOrganisation(t.ctx, by, { name: 'North Medical Supply', kind: 'distributor', erpId: 'C-N' })).id;
    org.east = (await createOrganisation(t.ctx, by, { name: '华东医疗器械有限公司', kind: 'distributor', erpId: 'C-E' })).id;
    await t.db.transaction(async (tx) => {
      await applyShipmentDispatched(tx, t.clock, {
        shipmentNumber: 'SH-N-1',
        distributor: { erpId: 'C-N' },
        dispatchedAt: '2026-02-10T08:00:00Z',
        lines: [
          { gtin: infusionSet, lot: 'LOT-A17', quantity: 120 },
          { gtin: catheter, lot: 'K-204', serials: ['SN-0001', 'SN-0002', 'SN-0003'], quantity: 3 },
        ],
      });
      await applyShipmentDispatched(tx, t.clock, {
        shipmentNumber: 'SH-N-2',
        distributor: { erpId: 'C-N' },
        dispatchedAt: '2026-02-12T08:00:00Z',
        lines: [{ gtin: infusionSet, lot: 'LOT-A17', quantity: 35 }],
      });
      await applyShipmentDispatched(tx, t.clock, {
        shipmentNumber: 'SH-E-1',
        distributor: { erpId: 'C-E' },
        dispatchedAt: '2026-02-11T08:00:00Z',
        lines: [
          { gtin: infusionSet, lot: 'LOT-B93', quantity: 64 },
          { gtin: catheter, lot: 'K-777', serials: ['SN-9001', 'SN-9002'], quantity: 2 },
        ],
      });
      const issued = await applyRecallIssued(tx, t.clock, {
        recallNumber: 'FSCA-2026-031',
        issuedAt: '2026-03-02T08:00:00Z',
        reason: 'Roller clamp may leak under pressure',
        hazard: 'Air embolism or under-infusion',
        type: 'FSCA',
        class: 'Class II',
        instructions: ['quarantine', 'return'],
        responseDeadline: '2026-03-16',
        products: [
          { gtin: infusionSet, lots: ['LOT-A17', 'LOT-B93'] },
          { gtin: catheter, lots: ['K-204', 'K-777'] },
        ],
      });
      recallId = issued.recall as string;
    });
  });
  afterAll(() => {
    t?.close();
  });

  it('in English names the recall, each lot shipped to this distributor with its quantity and serials, deadline and actions', async () => {
    const data = await getNoticeData(t.db, { recallId, distributorOrganisationId: org.north! });
    const pdf = await renderNoticePdf(data, 'en', { replyUrl: 'https://portal.example/r/abc' });
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Urgent field safety notice');
    expect(text).toContain('FSCA-2026-031');
    expect(text).toContain('2026-03-02');
    expect(text).toContain('Meridian Medical');
    expect(text).toContain('North Medical Supply');
    expect(text).toContain('FSCA, Class II');
    expect(text).toContain('Roller clamp may leak under pressure');
    expect(text).toContain('Air embolism or under-infusion');
    expect(text).toContain('Quarantine:');
    expect(text).toContain('Return:');
    expect(text).toMatch(new RegExp(`${infusionSet} LOT-A17 155\\b`));
    expect(text).toMatch(new RegExp(`${catheter} K-204 3 SN-0001, SN-0002, SN-0003`));
    expect(text).toContain('Total units shipped to you: 158');
    expect(text).toContain('Reply deadline: 2026-03-16');
    expect(text).toContain('https://portal.example/r/abc');
    expect(text).toMatch(/Page 1 of 2/);
  });

  it('in Chinese has the Chinese title and headings and the same lots, quantities and serials [REQ-I18N-01]', async () => {
    const data = await getNoticeData(t.db, { recallId, distributorOrganisationId: org.east! });
    const text = pdfText(await renderNoticePdf(data, 'zh-CN'));
    for (const s of ['紧急现场安全通知', '召回编号', '制造商', '采取此措施的原因', '对患者和使用者的危害', '您必须采取的措施', '受影响的产品', '发给贵方的批号和序列号', '批号', '发货数量', '序列号', '回复截止日期：2026-03-16', '隔离：', '退回：', '华东医疗器械有限公司', '第 1 页，共 2 页']) {
      expect(text, s).toContain(s);
    }
    expect(text).toContain('FSCA-2026-031');
    expect(text).toMatch(new RegExp(`${infusionSet} LOT-B93 64\\b`));
    expect(text).toMatch(new RegExp(`${catheter} K-777 2 SN-9001, SN-9002`));
    expect(text).toContain('发给贵方的总数量：66');
  });

  it('of a recall the ERP issued without a deadline prints the deadline the mails and follow-ups apply, not "as soon as possible"', async () => {
    const issued = await t.db.transaction((tx) =>
      applyRecallIssued(tx, t.clock, { recallNumber: 'FSCA-2026-032', issuedAt: '2026-03-02T08:00:00Z', reason: 'Label misprint', hazard: 'Wrong dose', products: [{ gtin: infusionSet, lots: ['LOT-A17'] }] }),
    );
    const stored = await t.db.get<{ response_deadline: string }>('SELECT response_deadline FROM recalls WHERE id = ?', [issued.recall as string]);
    // Severity 2 without a classification: ten days from the issue.
    expect(stored!.response_deadline).toBe('2026-03-12T08:00:00.000Z');
    const text = pdfText(await renderNoticePdf(await getNoticeData(t.db, { recallId: issued.recall as string, distributorOrganisationId: org.north! }), 'en'));
    expect(text).toContain('Reply deadline: 2026-03-12 08:00 UTC');
    expect(text).not.toContain('as soon as possible');
  });

  it('shows a distributor only its own lots and quantities', async () => {
    const north = pdfText(await renderNoticePdf(await getNoticeData(t.db, { recallId, distributorOrganisationId: org.north! }), 'zh-CN'));
    const east = pdfText(await renderNoticePdf(await getNoticeData(t.db, { recallId, distributorOrganisationId: org.east! }), 'en'));
    for (const other of ['LOT-B93', 'K-777', 'SN-9001', '华东医疗器械有限公司']) expect(north).not.toContain(other);
    for (const other of ['LOT-A17', 'K-204', 'SN-0001', '155', 'North Medical Supply']) expect(east).not.toContain(other);
    // Both notices list the recall's products by GTIN / UDI-DI.
    for (const text of [north, east]) {
      expect(text).toContain(infusionSet);
      expect(text).toContain(catheter);
    }
  });

  it('refuses a distributor that is not a consignee, and an unknown recall', async () => {
    const other = (await createOrganisation(t.ctx, by, { name: 'West Distribution', kind: 'distributor', erpId: 'C-W' })).id;
    for (const input of [
      { recallId, distributorOrganisationId: other },
      { recallId: 'rcl_missing', distributorOrganisationId: org.north! },
    ]) {
      const error = await getNoticeData(t.db, input).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe('not_found');
    }
  });

  it('gives equal bytes for equal input [REQ-P11-REC-03]', async () => {
    const data = await getNoticeData(t.db, { recallId, distributorOrganisationId: org.east! });
    for (const locale of ['en', 'zh-CN'] as const) {
      const [a, b] = [await renderNoticePdf(data, locale), await renderNoticePdf(data, locale)];
      expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    }
  });

  describe('getRecallNoticePdf', () => {
    const actor = (organisationId: string, organisationKind: Actor['organisationKind'], role: Actor['role']): Actor => ({
      userId: `usr_${role}`,
      email: `${role}@example.com`,
      displayName: role,
      organisationId,
      organisationName: organisationId,
      organisationKind,
      role,
    });
    const refusedWith = async (work: Promise<unknown>) => {
      const error = await work.catch((e: unknown) => e);
      return isAppError(error) && error.code;
    };
    let qa: Actor;
    beforeAll(async () => {
      await addUser(t.ctx, by, { email: 'qa@meridian.example', displayName: 'Quinn QA', password: 'a long enough password', organisationId: org.meridian!, role: 'manufacturer_qa' });
      qa = await actorFor(t.db, 'qa@meridian.example');
    });

    it('refuses everyone before the notices are sent (a recall under review has none), then serves the distributor and QA', async () => {
      const north = actor(org.north!, 'distributor', 'distributor_user');
      expect(await refusedWith(getRecallNoticePdf(t.ctx, north, { recallId, locale: 'en' }))).toBe('not_found');
      expect(await refusedWith(getRecallNoticePdf(t.ctx, qa, { recallId, distributorOrganisationId: org.north!, locale: 'en' }))).toBe('not_found');

      await sendRecallNotices(t.ctx, qa, { recallId, portalUrl: 'https://portal.example' });
      const own = await getRecallNoticePdf(t.ctx, north, { recallId, locale: 'en' });
      expect(own.recallNumber).toBe('FSCA-2026-031');
      expect(pdfText(own.pdf)).toContain('North Medical Supply');
      const named = await getRecallNoticePdf(t.ctx, qa, { recallId, distributorOrganisationId: org.east!, locale: 'zh-CN' });
      expect(pdfText(named.pdf)).toContain('华东医疗器械有限公司');
    });

    it("gives a distributor its own notice, never another organisation's, whatever it names", async () => {
      const north = actor(org.north!, 'distributor', 'distributor_user');
      const text = pdfText((await getRecallNoticePdf(t.ctx, north, { recallId, distributorOrganisationId: org.east!, locale: 'en' })).pdf);
      expect(text).toContain('North Medical Supply');
      expect(text).not.toContain('LOT-B93');
      const west = (await createOrganisation(t.ctx, by, { name: 'West Medical', kind: 'distributor', erpId: 'C-W2' })).id;
      expect(await refusedWith(getRecallNoticePdf(t.ctx, actor(west, 'distributor', 'distributor_user'), { recallId, distributorOrganisationId: org.north!, locale: 'en' }))).toBe('not_found');
    });

    it('refuses a supplier, and manufacturer staff who name no distributor', async () => {
      const supplier = actor('org_supplier', 'supplier', 'supplier_user');
      expect(await refusedWith(getRecallNoticePdf(t.ctx, supplier, { recallId, distributorOrganisationId: org.north!, locale: 'en' }))).toBe('not_found');
      expect(await refusedWith(getRecallNoticePdf(t.ctx, qa, { recallId, locale: 'en' }))).toBe('not_found');
      expect(await refusedWith(getRecallNoticePdf(t.ctx, qa, { recallId, distributorOrganisationId: null, locale: 'en' }))).toBe('not_found');
    });

    it('refuses nobody signed in', async () => {
      expect(await refusedWith(getRecallNoticePdf(t.ctx, null, { recallId, distributorOrganisationId: org.north!, locale: 'en' }))).toBe('unauthenticated');
      expect(await refusedWith(getRecallNoticePdf(t.ctx, undefined, { recallId, locale: 'en' }))).toBe('unauthenticated');
    });
  });

  describe('getNoticePdfByLink', () => {
    it("serves the link's own distributor's notice, pointing back to the link for the reply", async () => {
      const notice = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, org.east!]))!;
      const token = await signNoticeToken(t.db, notice.id, '2026-04-01T00:00:00.000Z');
      const { pdf, recallNumber } = await getNoticePdfByLink(t.ctx, { token, locale: 'en', portalUrl: 'https://portal.example' });
      expect(recallNumber).toBe('FSCA-2026-031');
      const text = pdfText(pdf);
      expect(text).toContain('华东医疗器械有限公司');
      expect(text).not.toContain('LOT-A17');
      // The link wraps over lines (and pages) in the PDF: its notice id and expiry say it is this link.
      expect(text.replace(/\s+/g, '')).toContain(`https://portal.example/notices/${token.split('.').slice(0, 2).join('.')}.`);
    });

    it('refuses a forged link as not found and an expired one as forbidden', async () => {
      const notice = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, org.north!]))!;
      const token = await signNoticeToken(t.db, notice.id, '2026-04-01T00:00:00.000Z');
      const [id, exp, mac] = token.split('.') as [string, string, string];
      const refusal = async (bad: string) => {
        const error = await getNoticePdfByLink(t.ctx, { token: bad, locale: 'en', portalUrl: 'https://portal.example' }).catch((e: unknown) => e);
        return isAppError(error) && error.code;
      };
      expect(await refusal(`${id}.${Number(exp) + 60}.${mac}`)).toBe('not_found');
      expect(await refusal('not-a-token')).toBe('not_found');
      expect(await refusal(await signNoticeToken(t.db, notice.id, '2026-03-01T00:00:00.000Z'))).toBe('forbidden');
    });
  });
});
