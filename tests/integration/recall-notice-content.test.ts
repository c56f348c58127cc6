// Notices with everything the rules ask (21 CFR 7.49(c)(1), MDCG 2023-3 FSN template), read back
// from the PDF with poppler's pdftotext in English, Chinese and German: the product by trade name,
// model/size and UDI-DI (GTIN) from the ERP's item master, the lots, serials and quantities, the
// contact for questions (the recall's own, else the manufacturer's setting), reason and hazard,
// stopping use and distribution as the first action, the FSN reference and type, the SRN, the
// statement that the competent authorities were informed, and the transmission request. A recall
// stored before the hazard was required still renders, saying the hazard is not stated. The
// manufacturer's setting is its administrator's alone, audited, and refused with field problems
// when malformed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyShipmentDispatched } from '../../shared/erp/apply-shipment-dispatched.ts';
import { applyRecallIssued } from '../../shared/erp/apply-recall-issued.ts';
import { getNoticeData } from '../../shared/recalls/get-notice-data.ts';
import { renderNoticePdf } from '../../shared/recalls/render-notice-pdf.ts';
import { setNoticeContact } from '../../shared/organisations/set-notice-contact.ts';
import { getNoticeContact } from '../../shared/organisations/get-notice-contact.ts';
import { translate, type Locale, type MessageKey } from '../../shared/i18n/index.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { isAppError, type AppError } from '../../shared/errors.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { pdfText } from '../support/pdf-text.ts';

const infusionSet = '09506000134352';
const catheter = '09506000134369';
const by = { type: 'system' as const, name: 'notice content test' };
const orgContact = { name: 'Lena Fischer', email: 'recalls@meridian.example', phone: '+49 30 5550 1200', srn: 'DE-MF-000012345' };

/** Without any white space: a sentence wrapped over lines (in Chinese without spaces) still reads as one. */
const squeezed = (s: string) => s.replace(/\s+/g, '');

let t: TestDatabase;
const actors: Record<string, Actor> = {};
const recalls: Record<'eu' | 'old', string> = { eu: '', old: '' };
let rhein = '';

beforeAll(async () => {
  t = await testDatabase();
  const meridian = (await createOrganisation(t.ctx, by, { name: 'Meridian Medical', kind: 'manufacturer' })).id;
  rhein = (await createOrganisation(t.ctx, by, { name: 'Rhein Medical GmbH', kind: 'distributor', erpId: 'C-R' })).id;
  const supplier = (await createOrganisation(t.ctx, by, { name: 'Suzhou Precision', kind: 'supplier', erpId: 'V-1' })).id;
  for (const [key, organisationId, role] of [
    ['admin', meridian, 'manufacturer_admin'],
    ['qa', meridian, 'manufacturer_qa'],
    ['distributor', rhein, 'distributor_user'],
    ['supplier', supplier, 'supplier_user'],
  ] as const) {
    await addUser(t.ctx, by, { email: `${key}@example.com`, displayName: key, password: 'a long enough password', organisationId, role });
    actors[key] = await actorFor(t.db, `${key}@example.com`);
  }
  await setNoticeContact(t.ctx, actors.admin!, orgContact);
  await t.db.transaction(async (tx) => {
    await applyItemUpserted(tx, t.clock, { gtin: infusionSet, description: 'Infusion set 150 cm', tradeName: 'FlowSafe infusion set', model: 'IS-20, 150 cm', unitOfMeasure: 'EA' });
    // No trade name or model in the item master: the notice names the item by its description.
    await applyItemUpserted(tx, t.clock, { gtin: catheter, description: 'Central venous catheter 7 Fr', unitOfMeasure: 'EA' });
    await applyShipmentDispatched(tx, t.clock, {
      shipmentNumber: 'SH-R-1',
      distributor: { erpId: 'C-R' },
      dispatchedAt: '2026-02-10T08:00:00Z',
      lines: [
        { gtin: infusionSet, lot: 'LOT-A17', quantity: 120 },
        { gtin: catheter, lot: 'K-204', serials: ['SN-0001', 'SN-0002', 'SN-0003'], quantity: 3 },
      ],
    });
    recalls.eu = (
      await applyRecallIssued(tx, t.clock, {
        recallNumber: 'FSCA-2026-031',
        issuedAt: '2026-03-02T08:00:00Z',
        reason: 'Roller clamp may leak under pressure',
        hazard: 'Air embolism or under-infusion',
        classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
        instructions: ['quarantine'],
        responseDeadline: '2026-03-16',
        products: [
          { gtin: infusionSet, lots: ['LOT-A17'] },
          { gtin: catheter, lots: ['K-204'] },
        ],
        contact: { name: 'Mei Chen', email: 'mei.chen@meridian.example', phone: '+49 30 1234 5678' },
        fsnReference: 'FSN-2026-031-A',
        competentAuthorities: [{ name: 'BfArM (DE)', informedOn: '2026-03-01' }],
      })
    ).recall as string;
    // Recorded before the hazard was required and before contacts: stored recalls must still render.
    recalls.old = (
      await applyRecallIssued(tx, t.clock, { recallNumber: 'FSCA-2025-009', issuedAt: '2026-03-03T08:00:00Z', reason: 'Label misprint', products: [{ gtin: infusionSet, lots: ['LOT-A17'] }] })
    ).recall as string;
  });
});
afterAll(() => t?.close());

const locales: Locale[] = ['en', 'zh-CN', 'de'];

describe.each(locales)('the field safety notice PDF in %s carries', (locale) => {
  const say = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  let text = '';
  beforeAll(async () => {
    text = pdfText(await renderNoticePdf(await getNoticeData(t.db, { recallId: recalls.eu, distributorOrganisationId: rhein }), locale));
    // A paragraph running over a page break has the page's footer inside it: read without footers.
    for (let pages = 1; pages <= 4; pages++) {
      for (let page = 1; page <= pages; page++) text = text.replaceAll(say('notice.footer', { recallNumber: 'FSCA-2026-031', distributor: 'Rhein Medical GmbH', page, pages }), '');
    }
  });
  const contains = (...wanted: string[]) => {
    for (const w of wanted) expect(squeezed(text), w).toContain(squeezed(w));
  };

  it('the trade name of each product (the description where the item master has none)', () => {
    contains('FlowSafe infusion set', 'Central venous catheter 7 Fr');
  });
  it('the model / size with the trade name and the UDI-DI (GTIN) [REQ-RCL-NOTICE-01]', () => {
    contains(say('noticeContent.product', { name: 'FlowSafe infusion set', model: 'IS-20, 150 cm', gtin: infusionSet }));
    contains(say('noticeContent.productNoModel', { name: 'Central venous catheter 7 Fr', gtin: catheter }));
  });
  it('the lots and serials shipped, each with its quantity [REQ-RCL-NOTICE-01]', () => {
    expect(text).toMatch(new RegExp(`${infusionSet} LOT-A17 120\\b`));
    expect(text).toMatch(new RegExp(`${catheter} K-204 3 SN-0001, SN-0002, SN-0003`));
  });
  it('the total quantity shipped', () => {
    contains(say('notice.total', { units: 123 }));
  });
  it("the recall's contact for questions: name, e-mail and phone", () => {
    contains(say('noticeContent.contactHeading'), `${say('noticeContent.contactName')}: Mei Chen`, `${say('noticeContent.contactEmail')}: mei.chen@meridian.example`, `${say('noticeContent.contactPhone')}: +49 30 1234 5678`);
  });
  it('the reason', () => {
    contains(say('notice.reasonHeading'), 'Roller clamp may leak under pressure');
  });
  it('the hazard [REQ-RCL-NOTICE-01]', () => {
    contains(say('notice.hazardHeading'), 'Air embolism or under-infusion');
  });
  it('stopping use and distribution as the first action [REQ-RCL-NOTICE-01]', () => {
    contains(`1. ${say('noticeContent.stopUse')}`, `2. ${say('notice.action.quarantine')}`);
  });
  it('the FSN reference [REQ-MDCG-FSN-01]', () => {
    contains(say('fsnRevision.reference'), 'FSN-2026-031-A');
  });
  it('the FSN type: new, revision 1 [REQ-MDCG-FSN-01]', () => {
    contains(`FSN-2026-031-A · ${say('fsnRevision.status.new')}`);
  });
  it("the manufacturer's SRN (from its setting) [REQ-MDCG-FSN-01]", () => {
    contains(say('noticeContent.srn'), 'DE-MF-000012345');
  });
  it('the statement that the competent authority was informed, with the date [REQ-MDCG-FSN-01]', () => {
    contains(say('noticeContent.authorityStatement', { authorities: say('noticeContent.authorityOn', { authority: 'BfArM (DE)', date: '2026-03-01' }) }));
  });
  it('the transmission of the notice to those who need to know [REQ-MDCG-FSN-01]', () => {
    contains(say('noticeContent.transmissionHeading'), say('noticeContent.transmission'));
  });

  it('for a recall stored before the hazard was required: "hazard not stated", the FSN reference as the recall number, the manufacturer\'s contact', async () => {
    const old = squeezed(pdfText(await renderNoticePdf(await getNoticeData(t.db, { recallId: recalls.old, distributorOrganisationId: rhein }), locale)));
    for (const w of [
      say('noticeContent.hazardNotStated'),
      `${say('noticeContent.contactName')}: ${orgContact.name}`,
      `${say('noticeContent.contactEmail')}: ${orgContact.email}`,
      `${say('noticeContent.contactPhone')}: ${orgContact.phone}`,
      `1. ${say('noticeContent.stopUse')}`,
      say('noticeContent.transmission'),
    ])
      expect(old, w).toContain(squeezed(w));
    expect(old).toContain(squeezed(say('fsnRevision.referenceSame', { reference: 'FSCA-2025-009' })));
    // No authorities named: no statement that they were informed.
    expect(old).not.toContain(squeezed(say('noticeContent.authorityHeading')));
  });
});

describe("the manufacturer's notice contact and SRN (organisation setting)", () => {
  const refused = async (work: Promise<unknown>) => {
    const e = await work.catch((thrown: unknown) => thrown);
    expect(isAppError(e), String(e)).toBe(true);
    return e as AppError;
  };

  it('is set by its administrator, audited with the old and new values', async () => {
    const saved = await setNoticeContact(t.ctx, actors.admin!, { name: ' Lena Fischer, QA ', email: 'QA@Meridian.example', phone: '+49 30 5550 1300', srn: 'de-mf-000012345' });
    expect(saved).toEqual({ name: 'Lena Fischer, QA', email: 'qa@meridian.example', phone: '+49 30 5550 1300', srn: 'DE-MF-000012345' });
    expect(await getNoticeContact(t.ctx, actors.admin!)).toMatchObject({ ...saved, permissions: { set: true } });
    const audit = (await t.db.get<{ actor_id: string; old_values: string; new_values: string }>(
      "SELECT actor_id, old_values, new_values FROM audit_log WHERE action = 'organisation.notice_contact_set' ORDER BY seq DESC LIMIT 1",
    ))!;
    expect(audit.actor_id).toBe(actors.admin!.userId);
    expect(JSON.parse(audit.old_values)).toEqual({ name: orgContact.name, email: orgContact.email, phone: orgContact.phone, srn: orgContact.srn });
    expect(JSON.parse(audit.new_values)).toEqual(saved);
    // Put back for the notices above (they may run after this).
    await setNoticeContact(t.ctx, actors.admin!, orgContact);
  });

  it('refuses a malformed e-mail, phone and SRN with a problem per field, and changes nothing', async () => {
    const e = await refused(setNoticeContact(t.ctx, actors.admin!, { name: 'X', email: 'qa at meridian', phone: 'ring ring', srn: 'DE-123' }));
    expect(e.code).toBe('invalid_input');
    expect(e.problems).toEqual({ contactEmail: { code: 'noticeContent.badEmail' }, contactPhone: { code: 'noticeContent.badPhone' }, srn: { code: 'noticeContent.badSrn' } });
    expect(await getNoticeContact(t.ctx, actors.admin!)).toMatchObject({ name: orgContact.name, srn: orgContact.srn });
  });

  it.each(['qa', 'distributor', 'supplier'])('is refused to %s, to read and to set', async (who) => {
    expect((await refused(setNoticeContact(t.ctx, actors[who]!, { name: 'Mallory', email: '', phone: '', srn: '' }))).code).toBe('forbidden');
    expect((await refused(getNoticeContact(t.ctx, actors[who]!))).code).toBe('forbidden');
    expect(await getNoticeContact(t.ctx, actors.admin!)).toMatchObject({ name: orgContact.name });
  });
});
