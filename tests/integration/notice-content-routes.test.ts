// The notice content (issue 14, slice D) over the real built server: the manufacturer's notice
// contact and SRN on /admin/organisations (its administrator's alone, audited, malformed values
// refused next to their fields, everyone else refused); QA's recall form refusing a missing hazard
// and a malformed contact e-mail next to their fields and signing the contact, FSN reference and
// authorities given; the ERP door refusing a recall without a hazard, precisely; and that recall's
// reply page showing the distributor every required field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { demoItems, demoNoticeContact } from '../../shared/demo/demo-data.ts';
import { recallRecordHash } from '../../shared/recalls/recall-record-hash.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { postErpEvent } from '../support/erp.ts';
import { actorFor } from '../support/actors.ts';
import { mailText } from '../support/mail.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';

const pressureLine = '09506000999999';
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const decoded = async (res: Response) => (await res.text()).replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

describe('notice content routes', () => {
  const secret = generateSecret();
  let server: RunningServer;
  let db: Db;
  const as: Record<'admin' | 'qa' | 'supplier' | 'rhein', BrowserClient> = {} as never;
  const setting = async () => db.get('SELECT notice_contact_name AS name, notice_contact_email AS email, notice_contact_phone AS phone, srn FROM organisations WHERE kind = ?', ['manufacturer']);

  beforeAll(async () => {
    server = await startBuiltServer({ ERP_INBOUND_SECRET: secret });
    db = openServerDb(server);
    Object.assign(
      as,
      await signedInClients(server, db, { admin: 'admin@meridian-medical.example', qa: 'qa@meridian-medical.example', supplier: 'supplier@suzhou-precision.example', rhein: 'distributor@rhein-medical.example' }),
    );
    // The ERP's item master names the demo shipment's device (seeded without it on a bare server).
    const item = await postErpEvent(server, secret, 'item.upserted', demoItems.find((i) => i.gtin === pressureLine));
    expect(item.status).toBe(200);
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  describe("the manufacturer's notice contact on /admin/organisations", () => {
    const form = { contactName: 'Mei Chen', contactEmail: 'mei.chen@meridian-medical.example', contactPhone: '+49 30 5550 1300', srn: 'DE-MF-000054321' };

    it("shows the administrator the demo's contact and SRN in the form", async () => {
      const page = await decoded(await as.admin.get('/admin/organisations'));
      expect(page).toMatch(new RegExp(`name="contactEmail"[^>]*value="${demoNoticeContact.email}"`));
      expect(page).toMatch(new RegExp(`name="srn"[^>]*value="${demoNoticeContact.srn}"`));
    });

    it('refuses a malformed e-mail and SRN next to their fields, keeping what was typed and changing nothing', async () => {
      const res = await as.admin.postForm('/admin/organisations?/noticeContact', { ...form, contactEmail: 'mei at meridian', srn: 'DE-MF-12' });
      const page = await decoded(res);
      expect(res.status).toBe(400);
      expect(page).toContain('id="contactEmail-problem" data-problem="noticeContent.badEmail">Enter an e-mail address, or leave the field empty.');
      expect(page).toContain('id="srn-problem" data-problem="noticeContent.badSrn">An SRN looks like DE-MF-000012345');
      expect(page).toMatch(/name="contactEmail"[^>]*value="mei at meridian"/);
      expect(await setting()).toEqual({ name: demoNoticeContact.name, email: demoNoticeContact.email, phone: demoNoticeContact.phone, srn: demoNoticeContact.srn });
    });

    it('saves it for the administrator, audited with the old and new values', async () => {
      const res = await as.admin.postForm('/admin/organisations?/noticeContact', form);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('The notice contact and SRN were saved.');
      const saved = { name: form.contactName, email: form.contactEmail, phone: form.contactPhone, srn: form.srn };
      expect(await setting()).toEqual(saved);
      const audit = await db.get<{ old_values: string; new_values: string }>("SELECT old_values, new_values FROM audit_log WHERE action = 'organisation.notice_contact_set' ORDER BY seq DESC LIMIT 1");
      expect(JSON.parse(audit!.old_values)).toEqual({ name: demoNoticeContact.name, email: demoNoticeContact.email, phone: demoNoticeContact.phone, srn: demoNoticeContact.srn });
      expect(JSON.parse(audit!.new_values)).toEqual(saved);
    });

    it('refuses QA, a distributor, a supplier and anyone signed out, changing nothing', async () => {
      const before = await setting();
      for (const who of ['qa', 'rhein', 'supplier'] as const) {
        expect((await as[who].postForm('/admin/organisations?/noticeContact', { ...form, contactName: 'Mallory' })).status, who).toBe(403);
      }
      const anonymous = await new BrowserClient(server.url).postForm('/admin/organisations?/noticeContact', { ...form, contactName: 'Mallory' });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toContain('/login');
      expect(await setting()).toEqual(before);
    });
  });

  describe("QA's recall form", () => {
    const recallForm = (overrides: Record<string, string> = {}): [string, string][] =>
      Object.entries({
        recallNumber: 'FSCA-NC-1',
        'type.EU-MDR': '',
        'class.EU-MDR': 'other',
        reason: 'Roller clamp may leak under pressure',
        hazard: 'Air embolism or under-infusion',
        actions: 'quarantine',
        'products.0.gtin': pressureLine,
        'products.0.lots': 'DEMO-2601A',
        responseDeadline: dayFromNow(14),
        effectivenessLevel: 'C',
        noticeLanguages: 'en',
        contactName: 'Mei Chen',
        contactEmail: 'mei.chen@meridian-medical.example',
        contactPhone: '+49 30 5550 1300',
        fsnReference: 'FSN-NC-1',
        authorities: 'BfArM (DE)\nAGES (AT)',
        authoritiesInformedOn: dayFromNow(-1),
        password: demoPassword,
        ...overrides,
      });
    const post = (entries: [string, string][]) => as.qa.request('/recalls/new?/create', { method: 'POST', body: new URLSearchParams(entries), headers: { accept: 'text/html' } });

    it('refuses a missing hazard and a malformed contact e-mail, each next to its field, recording nothing', async () => {
      const res = await post(recallForm({ hazard: ' ', contactEmail: 'mei at meridian' }));
      const page = await decoded(res);
      expect(res.status).toBe(400);
      expect(page).toContain('id="hazard-problem" data-problem="recalls.hazardRequired">Describe the risk to patients and users.');
      expect(page).toContain('id="contactEmail-problem" data-problem="noticeContent.badEmail">Enter an e-mail address, or leave the field empty.');
      expect(page).toMatch(/id="contactEmail"[^>]*value="mei at meridian"/);
      expect(await db.get("SELECT id FROM recalls WHERE recall_number = 'FSCA-NC-1'")).toBeUndefined();
    });

    it('signs the contact, FSN reference and authorities with the recall', async () => {
      const res = await post(recallForm());
      await res.body?.cancel();
      expect(res.status).toBe(303);
      const row = (await db.get<{ payload: string; record_hash: string }>("SELECT payload, record_hash FROM recalls WHERE recall_number = 'FSCA-NC-1'"))!;
      const payload = JSON.parse(row.payload) as Record<string, unknown>;
      expect(payload).toMatchObject({
        contact: { name: 'Mei Chen', email: 'mei.chen@meridian-medical.example', phone: '+49 30 5550 1300' },
        fsnReference: 'FSN-NC-1',
        competentAuthorities: [
          { name: 'BfArM (DE)', informedOn: dayFromNow(-1) },
          { name: 'AGES (AT)', informedOn: dayFromNow(-1) },
        ],
      });
      expect(recallRecordHash('portal', payload)).toBe(row.record_hash);
      expect(recallRecordHash('portal', { ...payload, contact: { email: 'someone@else.example' } })).not.toBe(row.record_hash);
    });
  });

  it('the ERP door refuses a recall without a hazard, naming the field', async () => {
    const sent = await postErpEvent(server, secret, 'recall.issued', { recallNumber: 'FSCA-NC-ERP', issuedAt: new Date().toISOString(), reason: 'Leak', products: [{ gtin: pressureLine }] });
    expect(sent.status).toBe(400);
    expect(sent.body.errors).toEqual([expect.objectContaining({ pointer: '/data/hazard', code: 'common.required' })]);
    expect(await db.get("SELECT id FROM recalls WHERE recall_number = 'FSCA-NC-ERP'")).toBeUndefined();
  });

  it.each(["the distributor's reply page", 'the notice link page, signed out'])("%s of the form's recall shows every required field", async (where) => {
    const { id } = (await db.get<{ id: string }>("SELECT id FROM recalls WHERE recall_number = 'FSCA-NC-1'"))!;
    if (!(await db.get('SELECT id FROM recall_notices WHERE recall_id = ?', [id]))) {
      await sendRecallNotices({ db, clock: systemClock, policy: defaultPolicy }, await actorFor(db, 'qa@meridian-medical.example'), { recallId: id, portalUrl: server.url });
    }
    const notice = (await db.get<{ id: string; link_expires_at: string }>("SELECT n.id, n.link_expires_at FROM recall_notices n JOIN organisations o ON o.id = n.distributor_organisation_id WHERE n.recall_id = ? AND o.erp_id = 'C-20001'", [id]))!;
    const res = where.startsWith('the notice link') ? await new BrowserClient(server.url).get(`/notices/${await signNoticeToken(db, notice.id, notice.link_expires_at)}`) : await as.rhein.get(`/recalls/${id}/reply`);
    const page = await decoded(res);
    expect(res.status).toBe(200);
    for (const text of [
      'Stop using and stop distributing the affected units listed in this notice at once.',
      'data-testid="fsn-reference">FSN-NC-1<',
      'New notice (revision 1)',
      'DE-MF-000054321',
      `Meridian PressureLine, model / size PL-150, 150 cm, GTIN / UDI-DI ${pressureLine}`,
      'Pass this notice on to everyone in your organisation who needs to know',
      `BfArM (DE) on ${dayFromNow(-1)}; AGES (AT) on ${dayFromNow(-1)}`,
      'Contact for questions',
      'E-mail: mei.chen@meridian-medical.example',
      'Air embolism or under-infusion',
    ])
      expect(page, text).toContain(text);
  });

  it('the notice mail asks to stop use and distribution and to pass the notice on, in each of its languages [REQ-I18N-01]', async () => {
    const mail = (await db.get<{ id: string; text_body: string }>(
      "SELECT m.id, m.text_body FROM mail_messages m JOIN recall_notices n ON n.id = m.entity_id JOIN recalls r ON r.id = n.recall_id WHERE r.recall_number = 'FSCA-NC-1' AND m.purpose = 'recall.notice' LIMIT 1",
    ))!;
    const text = mailText(db, mail);
    expect(text).toContain('Stop using and stop distributing the affected units listed in this notice at once.');
    expect(text).toContain('Verwenden und vertreiben Sie die in dieser Mitteilung genannten betroffenen Einheiten ab sofort nicht mehr.');
    expect(text).toContain('Pass this notice on to everyone in your organisation who needs to know');
    expect(text).toContain('Geben Sie diese Mitteilung an alle in Ihrer Organisation weiter');
  });
});
