// Dates a person enters or reads are judged in their organisation's time zone, stored in UTC.
// On a real SQLite file with the fixed clock: a Beijing supplier's "today" is accepted at 04:00
// local time (20:00 UTC the day before), a date after it is still refused, and a UTC supplier
// at the same instant still refuses Beijing's date; a distributor's sub-recipient "told today"
// is judged the same way; a deadline QA in Berlin enters ends at midnight Berlin (DST included),
// is signed with its zone and verifies; a date already past in QA's zone is refused; a US
// distributor reads the deadline in Chicago time in its mail and its notice PDF. Over the real
// server: the administrator sets a zone on /admin/organisations (audited; unknown names,
// offsets and abbreviations refused next to the field); QA, a distributor and anyone signed out
// are refused; QA's recall form then shows QA's zone and today.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { setOrganisationTimeZone } from '../../shared/organisations/set-organisation-time-zone.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { createRecall, type NewRecall } from '../../shared/recalls/create-recall.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { getNoticeData } from '../../shared/recalls/get-notice-data.ts';
import { renderNoticePdf } from '../../shared/recalls/render-notice-pdf.ts';
import { recallRecordFindings } from '../../shared/signatures/verify-record-hashes.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { refusal } from '../support/refusal.ts';
import { mailText } from '../support/mail.ts';
import { pdfText } from '../support/pdf-text.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { replyForm } from '../support/reply-form.ts';

const gtin = '09506000134352';
const by = { type: 'system' as const, name: 'time zone test' };
const portalUrl = 'https://portal.lotbridge.test';
const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: portalUrl };
const password = 'time-zone-test-pass';

describe('dates judged in the organisation time zone (use cases, fixed clock)', () => {
  let t: TestDatabase;
  const org: Record<string, string> = {};
  const emails = { admin: 'admin@meridian.example', qa: 'qa@meridian.example', suzhou: 'li@suzhou.example', ningbo: 'chen@utc-supplier.example', chicago: 'pat@chicago-med.example', berlin: 'anna@berlin-med.example' };
  const as = async (who: keyof typeof emails) => actorFor(t.db, emails[who]);
  const recall = (fields: Partial<NewRecall>): NewRecall => ({
    recallNumber: 'TZ-1',
    classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }],
    reason: 'Possible leak at the roller clamp',
    hazard: 'Air embolism',
    actions: ['quarantine'],
    products: [{ gtin, lots: ['A'] }],
    responseDeadline: '2026-03-07',
    effectivenessLevel: 'C',
    noticeLanguages: ['en'],
    ...fields,
  });

  beforeAll(async () => {
    t = await testDatabase();
    let n = 0;
    const send = (type: string, data: unknown) => receiveErpEvent(t.ctx, { webhookId: `msg_tz_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } });
    org.meridian = (await createOrganisation(t.ctx, by, { name: 'Meridian Medical', kind: 'manufacturer' })).id;
    org.suzhou = (await createOrganisation(t.ctx, by, { name: 'Suzhou Precision', kind: 'supplier', erpId: 'V-1' })).id;
    org.ningbo = (await createOrganisation(t.ctx, by, { name: 'UTC Supplier', kind: 'supplier', erpId: 'V-2' })).id;
    org.chicago = (await createOrganisation(t.ctx, by, { name: 'Chicago Medical Supply', kind: 'distributor', erpId: 'C-1' })).id;
    org.berlin = (await createOrganisation(t.ctx, by, { name: 'Berlin Medizin', kind: 'distributor', erpId: 'C-2' })).id;
    const users: [keyof typeof emails, string, 'manufacturer_admin' | 'manufacturer_qa' | 'supplier_user' | 'distributor_user'][] = [
      ['admin', org.meridian!, 'manufacturer_admin'],
      ['qa', org.meridian!, 'manufacturer_qa'],
      ['suzhou', org.suzhou!, 'supplier_user'],
      ['ningbo', org.ningbo!, 'supplier_user'],
      ['chicago', org.chicago!, 'distributor_user'],
      ['berlin', org.berlin!, 'distributor_user'],
    ];
    for (const [who, organisationId, role] of users) await addUser(t.ctx, by, { email: emails[who], displayName: who, password, organisationId, role });
    const admin = await as('admin');
    for (const [o, timeZone] of [['meridian', 'Europe/Berlin'], ['suzhou', 'Asia/Shanghai'], ['chicago', 'America/Chicago'], ['berlin', 'Europe/Berlin']] as const) {
      await setOrganisationTimeZone(t.ctx, admin, { organisationId: org[o]!, timeZone });
    }
    await t.db.transaction((tx) => applyItemUpserted(tx, t.clock, { gtin, description: 'Infusion set', unitOfMeasure: 'EA' }));
    for (const erpId of ['C-1', 'C-2']) {
      await send('shipment.dispatched', { shipmentNumber: `SH-TZ-${erpId}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin, lot: 'A', quantity: 30, expiryDate: '2028-01-31' }] });
    }
  });
  afterAll(() => t?.close());

  it("accepts a Beijing supplier's today at 04:00 local time (20:00 UTC the day before); tomorrow is still the future", async () => {
    t.clock.set('2026-03-06T20:00:00.000Z'); // 2026-03-07 04:00 in Asia/Shanghai
    const suzhou = await as('suzhou');
    expect(suzhou.organisationTimeZone).toBe('Asia/Shanghai');
    const stored = await submitLots(t.ctx, suzhou, { source: 'form', lots: [{ gtin, lot: 'SZ-0307', quantity: 1, manufactureDate: '2026-03-07' }] });
    expect(stored.stored).toHaveLength(1);
    const tomorrow = await refusal(submitLots(t.ctx, suzhou, { source: 'form', lots: [{ gtin, lot: 'SZ-0308', quantity: 1, manufactureDate: '2026-03-08' }] }));
    expect(Object.values(tomorrow.problems ?? {})).toEqual([{ code: 'lots.manufactureInFuture', params: { date: '2026-03-08' } }]);
    // The same date from a supplier in UTC, at the same instant, is still tomorrow there.
    const utc = await refusal(submitLots(t.ctx, await as('ningbo'), { source: 'form', lots: [{ gtin, lot: 'NB-0307', quantity: 1, manufactureDate: '2026-03-07' }] }));
    expect(Object.values(utc.problems ?? {})).toEqual([{ code: 'lots.manufactureInFuture', params: { date: '2026-03-07' } }]);
  });

  it("refuses a deadline already past in QA's zone, though it is still that day in UTC", async () => {
    t.clock.set('2026-03-01T23:30:00.000Z'); // 2026-03-02 00:30 in Berlin
    const e = await refusal(createRecall(t.ctx, await as('qa'), rp, { ...recall({ responseDeadline: '2026-03-01' }), credential: { password } }));
    expect(e.problems).toMatchObject({ responseDeadline: { code: 'recalls.deadlinePast' } });
    const before = await refusal(createRecall(t.ctx, await as('qa'), rp, { ...recall({ actionsDeadline: '2026-03-06' }), credential: { password } }));
    expect(before.problems).toMatchObject({ actionsDeadline: { code: 'recallDue.actionsBeforeReply' } });
  });

  it("a deadline date ends at midnight in QA's zone, stored in UTC, signed with its zone, and verifies [REQ-TIME-01]", async () => {
    t.clock.set('2026-03-02T09:00:00.000Z');
    const { recallId } = await createRecall(t.ctx, await as('qa'), rp, { ...recall({}), credential: { password } });
    const row = await t.db.get<{ response_deadline: string; actions_deadline: string; payload: string }>('SELECT response_deadline, actions_deadline, payload FROM recalls WHERE id = ?', [recallId]);
    expect(row).toMatchObject({ response_deadline: '2026-03-07T22:59:59.999Z', actions_deadline: '2026-03-17T22:59:59.999Z' });
    expect(JSON.parse(row!.payload)).toMatchObject({ responseDeadline: '2026-03-07', deadlineTimeZone: 'Europe/Berlin' });
    expect(await recallRecordFindings(t.db, recallId)).toEqual([]);
    // The zone is part of what QA signed: changing it in the payload is found.
    await t.db.run('DROP TRIGGER recalls_content_fixed');
    await t.db.run("UPDATE recalls SET payload = json_set(payload, '$.deadlineTimeZone', 'UTC') WHERE id = ?", [recallId]);
    expect((await recallRecordFindings(t.db, recallId)).length).toBeGreaterThan(0);
    await t.db.run("UPDATE recalls SET payload = json_set(payload, '$.deadlineTimeZone', 'Europe/Berlin') WHERE id = ?", [recallId]);
    expect(await recallRecordFindings(t.db, recallId)).toEqual([]);
  });

  it('an ERP recall may name the zone of its deadline dates (signed as it came); an unknown zone is refused', async () => {
    const issue = (recallNumber: string, deadlineTimeZone: string) =>
      receiveErpEvent(t.ctx, {
        webhookId: `msg_tz_${recallNumber}`,
        sentAt: Math.floor(t.clock.now().getTime() / 1000),
        body: { type: 'recall.issued', timestamp: t.clock.now().toISOString(), data: { recallNumber, issuedAt: t.clock.now().toISOString(), reason: 'Leak', hazard: 'Air embolism', products: [{ gtin, lots: ['A'] }], responseDeadline: '2026-03-07', actionsDeadline: '2026-03-14', deadlineTimeZone } },
      });
    await issue('TZ-ERP-1', 'Asia/Shanghai');
    expect(await t.db.get("SELECT response_deadline, actions_deadline FROM recalls WHERE recall_number = 'TZ-ERP-1'")).toEqual({
      response_deadline: '2026-03-07T15:59:59.999Z',
      actions_deadline: '2026-03-14T15:59:59.999Z',
    });
    const refused = await issue('TZ-ERP-2', 'Mars/Olympus_Mons').then(
      (r) => r,
      (e: unknown) => e,
    );
    expect(JSON.stringify(refused)).toContain('timeZones.badZone');
    expect(await t.db.get("SELECT id FROM recalls WHERE recall_number = 'TZ-ERP-2'")).toBeUndefined();
  });

  it('across the change to summer time the day still ends at midnight Berlin (UTC+2 from 2026-03-29)', async () => {
    const { recallId } = await createRecall(t.ctx, await as('qa'), rp, { ...recall({ recallNumber: 'TZ-DST', responseDeadline: '2026-03-29' }), credential: { password } });
    expect(await t.db.get('SELECT response_deadline FROM recalls WHERE id = ?', [recallId])).toEqual({ response_deadline: '2026-03-29T21:59:59.999Z' });
  });

  it("a US distributor reads the deadline in its own zone, named, in the notice mail and the notice PDF; a Berlin one in Berlin's [REQ-TIME-01]", async () => {
    const recallId = (await t.db.get<{ id: string }>("SELECT id FROM recalls WHERE recall_number = 'TZ-1'"))!.id;
    await sendRecallNotices(t.ctx, await as('qa'), { recallId, portalUrl });
    const body = async (to: string) => {
      const m = (await t.db.get<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE to_address = ? AND purpose = 'recall.notice'", [to]))!;
      return mailText(t.db, m);
    };
    expect(await body(emails.chicago)).toContain('2026-03-07 16:59 (America/Chicago, UTC-6)');
    expect(await body(emails.berlin)).toContain('2026-03-07 23:59 (Europe/Berlin, UTC+1)');
    const data = await getNoticeData(t.db, { recallId, distributorOrganisationId: org.chicago! });
    expect(data.deadlineShown).toBe('2026-03-07 16:59 (America/Chicago, UTC-6)');
    expect(pdfText(await renderNoticePdf(data, 'en'))).toContain('2026-03-07 16:59 (America/Chicago, UTC-6)');
  });

  it("judges a sub-recipient told 'today' by the distributor's calendar", async () => {
    const recallId = (await t.db.get<{ id: string }>("SELECT id FROM recalls WHERE recall_number = 'TZ-1'"))!.id;
    const noticeId = (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, org.chicago!]))!.id;
    t.clock.set('2026-03-04T03:30:00.000Z'); // 2026-03-03 21:30 in Chicago
    const chicago = await as('chicago');
    const lot = (notifiedOn: string) => [{ gtin, lot: 'A', received: 30, onHand: 20, quarantined: 20, returned: 0, destroyed: 0, subRecipients: [{ name: 'Mercy Hospital', quantity: 10, notifiedOn }] }];
    const tooSoon = await refusal(submitAcknowledgement(t.ctx, chicago, rp, { noticeId, understood: true, holdsStock: true, lots: lot('2026-03-04'), form: replyForm(lot('2026-03-04')), credential: { password }, locale: 'en' }));
    expect(tooSoon.problems).toMatchObject({ 'lots/0/subRecipients/0/notifiedOn': { code: 'reply.future' } });
    const done = await submitAcknowledgement(t.ctx, chicago, rp, { noticeId, understood: true, holdsStock: true, lots: lot('2026-03-03'), form: replyForm(lot('2026-03-03')), credential: { password }, locale: 'en' });
    expect(done.version).toBe(1);
  });
});

describe('organisation time zone on /admin/organisations (real server)', () => {
  let server: RunningServer;
  let db: Db;
  let rhein: string;
  let meridian: string;
  let as: Record<'admin' | 'qa' | 'distributor', BrowserClient>;
  const zone = async (id: string) => (await db.get<{ time_zone: string }>('SELECT time_zone FROM organisations WHERE id = ?', [id]))!.time_zone;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    meridian = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE kind = 'manufacturer'"))!.id;
    as = await signedInClients(server, db, { admin: 'admin@meridian-medical.example', qa: 'qa@meridian-medical.example', distributor: 'distributor@rhein-medical.example' });
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('the administrator sets it, audited; names Intl does not know, offsets and abbreviations are refused next to the field', async () => {
    expect(await zone(rhein)).toBe('UTC');
    for (const bad of ['Europe/Nowhere', '+01:00', 'CET']) {
      const refused = await as.admin.postForm('/admin/organisations?/timeZone', { organisationId: rhein, timeZone: bad });
      expect(refused.status, bad).toBe(400);
      expect(await refused.text()).toMatch(/data-problem="timeZones.badZone"[^>]*>.*is not a time zone: enter an IANA name/);
    }
    expect(await zone(rhein)).toBe('UTC');
    const saved = await as.admin.postForm('/admin/organisations?/timeZone', { organisationId: rhein, timeZone: 'Europe/Berlin' });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('The time zone of Rhein Medical Distribution GmbH is now Europe/Berlin.');
    expect(await zone(rhein)).toBe('Europe/Berlin');
    expect(await db.get("SELECT old_values, new_values FROM audit_log WHERE action = 'organisation.time_zone_set' AND entity_id = ? ORDER BY seq DESC LIMIT 1", [rhein])).toEqual({
      old_values: JSON.stringify({ timeZone: 'UTC' }),
      new_values: JSON.stringify({ timeZone: 'Europe/Berlin' }),
    });
    expect((await as.admin.postForm('/admin/organisations?/timeZone', { organisationId: 'org_nosuch', timeZone: 'Europe/Berlin' })).status).toBe(404);
  });

  it('refuses QA, the distributor itself and anyone signed out, changing nothing', async () => {
    for (const who of ['qa', 'distributor'] as const) {
      expect((await as[who].postForm('/admin/organisations?/timeZone', { organisationId: rhein, timeZone: 'Asia/Shanghai' })).status, who).toBe(403);
    }
    const anonymous = await new BrowserClient(server.url).postForm('/admin/organisations?/timeZone', { organisationId: rhein, timeZone: 'Asia/Shanghai' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/login');
    expect(await zone(rhein)).toBe('Europe/Berlin');
  });

  it("QA's session carries its organisation's zone: the recall form offers QA's today and names the zone", async () => {
    expect((await as.admin.postForm('/admin/organisations?/timeZone', { organisationId: meridian, timeZone: 'Pacific/Kiritimati' })).status).toBe(200);
    const page = await (await as.qa.get('/recalls/new')).text();
    expect(page).toContain('Replies are due by the end of this day in Pacific/Kiritimati');
    // Kiritimati is UTC+14: its today is a day ahead of UTC for 14 hours of every day.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    expect(page).toContain(`min="${today}"`);
  });
});
