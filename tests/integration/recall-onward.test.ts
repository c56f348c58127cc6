// Onward distribution over the real server (21 CFR 7.42(b)(1) recall depth, NMPA 使用单位): a
// consignee's distributor user passes its notice on to a hospital and a pharmacy from the portal;
// each gets a mail with its own signed link; the hospital opens it without an account and
// replies (a declaration by name, recorded permanently, audited, posted to the ERP); the
// manufacturer's dashboard shows level 2 reached with its counts against the depth the recall
// asked for. One customer's link opens neither another's notice nor the consignee's; expired and
// tampered links are refused; another distributor, a supplier and anyone signed out are refused.
// Passing on is no mail relay: names only (no addresses, links, control characters), level 4 at
// most, 1,000 onward mails a recall a day; a revised notice reaches every customer reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { issueNoticeRevision } from '../../shared/recalls/issue-notice-revision.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { signOnwardToken } from '../../shared/recalls/onward-link.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, markup, openServerDb, rawClient, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { runCli } from '../support/server.ts';
import { actorFor } from '../support/actors.ts';
import { mailText } from '../support/mail.ts';
import { formatInstantIn } from '../../shared/time-zone.ts';

const infusionSet = '09506000134352';

describe('recall notices passed on to customers', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let recallId: string;
  let rhein: string;
  let alpen: string;
  let noticeToken: string;
  const as: Record<'qa' | 'admin' | 'distributor' | 'alpen' | 'nord' | 'supplier' | 'anonymous', BrowserClient> = {} as never;
  const links: Record<string, string> = {};

  /** The link in the onward mail to `to`, as the customer receives it. */
  async function linkMailedTo(to: string): Promise<string> {
    const m = (await db.get<{ id: string; text_body: string; purpose: string }>('SELECT id, text_body, purpose FROM mail_messages WHERE to_address = ? ORDER BY created_at DESC LIMIT 1', [to]))!;
    expect(m.purpose).toBe('recall.onward_notice');
    const url = /(http:\/\/\S+\/onward\/\S+)/.exec(mailText(db, m))![1]!;
    return new URL(url).pathname.slice('/onward/'.length);
  }

  const passOn = (client: BrowserClient, fields: Record<string, string>) =>
    client.postForm(`/recalls/${recallId}/pass-on`, { customerType: 'hospital', language: 'en', contactPerson: '', lots: '', ...fields });

  const hospitalReply = { understood: 'yes', 'lots.0.onHand': '12', 'lots.0.quarantined': '12', 'lots.0.returned': '0', 'lots.0.destroyed': '0', name: 'Dr. Anna Weber', function: 'Head of medical devices', phone: '+49 40 1234', email: 'a.weber@klinikum-nord.example' };

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    alpen = (await createOrganisation(ctx, { type: 'system', name: 'test' }, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-20002' })).id;
    await addUser(ctx, { type: 'system', name: 'test' }, { email: 'user@alpen-med.example', displayName: 'Heidi Frei', password: 'alpen-user-password', organisationId: alpen, role: 'distributor_user' });
    // A distributor that received none of the affected lots: no notice of this recall.
    const nord = (await createOrganisation(ctx, { type: 'system', name: 'test' }, { name: 'Nord Medical AB', kind: 'distributor', erpId: 'C-20003' })).id;
    await addUser(ctx, { type: 'system', name: 'test' }, { email: 'user@nord-medical.example', displayName: 'Lars Berg', password: 'nord-user-password', organisationId: nord, role: 'distributor_user' });
    const emails = { qa: 'qa@meridian-medical.example', admin: 'admin@meridian-medical.example', distributor: 'distributor@rhein-medical.example', alpen: 'user@alpen-med.example', nord: 'user@nord-medical.example', supplier: 'supplier@suzhou-precision.example' };
    for (const [who, email] of Object.entries(emails) as [keyof typeof emails, string][]) {
      as[who] = new BrowserClient(server.url);
      await signInDirectly(as[who], db, email);
    }
    as.anonymous = new BrowserClient(server.url);

    const now = new Date();
    const send = async (id: string, type: string, data: unknown) =>
      (await receiveErpEvent(ctx, { webhookId: id, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as { recall: string };
    for (const [n, erpId, lines] of [
      [1, 'C-20001', [{ gtin: infusionSet, lot: 'L-1', quantity: 50 }, { gtin: infusionSet, lot: 'L-2', quantity: 10 }]],
      [2, 'C-20002', [{ gtin: infusionSet, lot: 'L-1', quantity: 5 }]],
    ] as const) {
      await send(`msg_onw_s${n}`, 'shipment.dispatched', { shipmentNumber: `SH-ONW-${n}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines });
    }
    recallId = (
      await send('msg_onw_r', 'recall.issued', {
        recallNumber: 'FSCA-ONW-1',
        issuedAt: now.toISOString(),
        reason: 'Roller clamp may leak',
        hazard: 'Air embolism',
        depth: 'user',
        products: [{ gtin: infusionSet, lots: ['L-1', 'L-2'] }],
        responseDeadline: new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10),
      })
    ).recall;
    await sendRecallNotices(ctx, await actorFor(db, emails.qa), { recallId, portalUrl: server.url });
    const notice = (await db.get<{ id: string; link_expires_at: string }>('SELECT id, link_expires_at FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, rhein]))!;
    noticeToken = await signNoticeToken(db, notice.id, notice.link_expires_at);
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('the distributor passes its notice on to a hospital and a pharmacy; each gets a mail with its own link [REQ-RCL-DEPTH-01]', async () => {
    const reply = await markup(await as.distributor.get(`/recalls/${recallId}/reply`));
    expect(reply).toContain(`recalls/${recallId}/pass-on" data-testid="pass-on-link"`);
    const page = await as.distributor.get(`/recalls/${recallId}/pass-on`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pass on to a customer');

    // Rhein reads its deadlines in Berlin time: so do the customers it passes the notice on to.
    await db.run("UPDATE organisations SET time_zone = 'Europe/Berlin' WHERE id = ?", [rhein]);

    // Not more than was shipped to it: 50 of L-1.
    const tooMany = await passOn(as.distributor, { name: 'Klinikum Nord', email: 'devices@klinikum-nord.example', 'lots.0': '51' });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain('At most 50: more than you received would be passed on.');
    expect(await db.get('SELECT count(*) AS n FROM recall_onward_notices')).toEqual({ n: 0 });

    const hospital = await passOn(as.distributor, { name: 'Klinikum Nord', email: 'Devices@Klinikum-Nord.example', contactPerson: 'Dr. Anna Weber', 'lots.0': '12' });
    expect(hospital.status).toBe(200);
    expect(await markup(hospital)).toContain('The notice was sent to Klinikum Nord (devices@klinikum-nord.example).');
    const pharmacy = await passOn(as.distributor, { name: 'Apotheke am Markt', customerType: 'pharmacy', email: 'info@apotheke-markt.example', language: 'de', 'lots.1': '5' });
    expect(pharmacy.status).toBe(200);

    const rows = await db.all<{ level: number; name: string; customer_type: string; lots: string; passed_on_by: string; language: string }>('SELECT level, name, customer_type, lots, passed_on_by, language FROM recall_onward_notices ORDER BY sent_at, id');
    expect(rows).toEqual([
      { level: 2, name: 'Klinikum Nord', customer_type: 'hospital', lots: JSON.stringify([{ gtin: infusionSet, lot: 'L-1', quantity: 12 }]), passed_on_by: 'Rhein Medical Distribution GmbH', language: 'en' },
      { level: 2, name: 'Apotheke am Markt', customer_type: 'pharmacy', lots: JSON.stringify([{ gtin: infusionSet, lot: 'L-2', quantity: 5 }]), passed_on_by: 'Rhein Medical Distribution GmbH', language: 'de' },
    ]);
    links.hospital = await linkMailedTo('devices@klinikum-nord.example');
    links.pharmacy = await linkMailedTo('info@apotheke-markt.example');
    expect(links.hospital).not.toBe(links.pharmacy);
    const deadline = (await db.get<{ at: string }>('SELECT response_deadline AS at FROM recalls WHERE id = ?', [recallId]))!.at;
    const shown = formatInstantIn(deadline, 'Europe/Berlin');
    expect(shown).toMatch(/\(Europe\/Berlin, UTC\+[12]\)$/);
    const hospitalMail = (await db.get<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE to_address = 'devices@klinikum-nord.example'"))!;
    expect(mailText(db, hospitalMail)).toContain(shown);
    await db.run("UPDATE organisations SET time_zone = 'UTC' WHERE id = ?", [rhein]);
    const german = (await db.get<{ subject: string }>("SELECT subject FROM mail_messages WHERE to_address = 'info@apotheke-markt.example'"))!;
    expect(german.subject).toBe('Rückruf FSCA-ONW-1: Sicherheitsmitteilung, an Sie weitergegeben von Rhein Medical Distribution GmbH');
    expect(await db.get("SELECT count(*) AS n, min(actor_name) AS by FROM audit_log WHERE action = 'recall.notice_passed_on'")).toEqual({ n: 2, by: 'Jonas Weber' });

    // The distributor's page lists whom it reached, and what is left of L-1 to pass on.
    const after = await markup(await as.distributor.get(`/recalls/${recallId}/pass-on`));
    expect(after.match(/data-testid="customer"/g)).toHaveLength(2);
    expect(after).toContain('(≤ 38)');
  });

  it('the hospital opens its link without an account and replies; the declaration is recorded, audited and posted to the ERP', async () => {
    const page = await as.anonymous.get(`/onward/${links.hospital}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toContain('no-store');
    const html = await markup(page);
    expect(html).toContain('FSCA-ONW-1');
    expect(html).toContain('Passed on to you by Rhein Medical Distribution GmbH');
    expect(html).toContain('Klinikum Nord (Hospital)');
    expect(html).toContain('Air embolism');
    expect(html).toContain('not an electronic signature');
    expect(html).toMatch(/data-testid="onward-lots"[\s\S]*L-1[\s\S]*12/);
    expect(html).not.toMatch(/data-testid="onward-lots"[\s\S]*L-2[\s\S]*<\/table>/);
    // A hospital uses the devices: asked whether it passed them on only as "after all".
    expect(html).toContain('We passed some on after all');
    expect(html).not.toContain('Did you pass these products or this notice on to others?');
    expect(await db.get('SELECT open_count FROM recall_onward_notices WHERE name = ?', ['Klinikum Nord'])).toEqual({ open_count: 1 });

    const refused = await as.anonymous.postForm(`/onward/${links.hospital}?/reply`, { ...hospitalReply, 'lots.0.quarantined': '13' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Not more than you have on hand.');
    const unread = await as.anonymous.postForm(`/onward/${links.hospital}?/reply`, { ...hospitalReply, understood: '' });
    expect(unread.status).toBe(400);
    expect(await unread.text()).toContain('Confirm that you have read and understood the notice.');

    const done = await as.anonymous.postForm(`/onward/${links.hospital}?/reply`, hospitalReply);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/onward/${links.hospital}?replied=1`);
    expect(await markup(await as.anonymous.get(done.headers.get('location')!))).toContain('Your reply was recorded as version 1.');

    const stored = (await db.get<{ version: number; passed_on: number; declarant_name: string; declarant_function: string; record_hash: string }>(
      'SELECT version, passed_on, declarant_name, declarant_function, record_hash FROM recall_onward_replies',
    ))!;
    expect(stored).toMatchObject({ version: 1, passed_on: 0, declarant_name: 'Dr. Anna Weber', declarant_function: 'Head of medical devices' });
    expect(stored.record_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.all('SELECT gtin, lot, on_hand, quarantined, returned, destroyed FROM recall_onward_reply_lots')).toEqual([{ gtin: infusionSet, lot: 'L-1', on_hand: 12, quarantined: 12, returned: 0, destroyed: 0 }]);
    const audit = (await db.get<{ actor_type: string; new_values: string }>("SELECT actor_type, new_values FROM audit_log WHERE action = 'recall.onward_replied'"))!;
    expect(audit.actor_type).toBe('system');
    expect(JSON.parse(audit.new_values)).toMatchObject({ recordHash: stored.record_hash, declarant: { name: 'Dr. Anna Weber' } });
    const event = (await db.get<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = 'recall.subrecipient_replied'",
    ))!;
    expect(validateEvent(JSON.parse(webhookBody(event)), 'outbound').data).toMatchObject({
      recallNumber: 'FSCA-ONW-1',
      level: 2,
      consignee: { organisationId: rhein, erpId: 'C-20001' },
      subRecipient: { name: 'Klinikum Nord', type: 'hospital' },
      version: 1,
      passedOn: false,
      recordHash: stored.record_hash,
    });

    // Permanent: a reply is never changed or removed (a correction is a new version).
    await expect(db.run("UPDATE recall_onward_replies SET declarant_name = 'Mallory'")).rejects.toThrow(/permanent/);
    await expect(db.run('DELETE FROM recall_onward_reply_lots')).rejects.toThrow(/permanent/);
    await expect(db.run("UPDATE recall_onward_notices SET email = 'x@evil.example'")).rejects.toThrow(/never edited/);
  });

  it("the manufacturer's dashboard shows level 2 reached, its counts, and the depth asked for [REQ-RCL-DEPTH-01]", async () => {
    const html = await markup(await as.qa.get(`/recalls/${recallId}`));
    expect(html).toMatch(/data-testid="depth-asked">User level/);
    expect(html).toMatch(/data-testid="depth-reached">User level/);
    expect(html).toContain('The depth asked for is reached.');
    const level = (n: number) => {
      const row = new RegExp(`data-testid="depth-level-${n}"[\\s\\S]*?data-testid="notified">(\\d+)<[\\s\\S]*?data-testid="opened">(\\d+)<[\\s\\S]*?data-testid="replied">(\\d+)<`).exec(html);
      return row ? row.slice(1).map(Number) : null;
    };
    expect(level(1)).toEqual([2, 0, 0]);
    expect(level(2)).toEqual([2, 1, 1]);
    expect(html).toMatch(/data-testid="depth-level-2"[\s\S]*?Hospital 1, Pharmacy 1/);
  });

  it("one customer's link opens neither another customer's notice nor the consignee's, and the consignee's link opens no onward notice", async () => {
    const pharmacy = await markup(await as.anonymous.get(`/onward/${links.pharmacy}`));
    expect(pharmacy).toContain('Apotheke am Markt');
    expect(pharmacy).not.toContain('Klinikum Nord');
    // The hospital's MAC on the pharmacy's id, and the link's purposes crossed: all not found.
    const [hospitalId, exp, mac] = links.hospital!.split('.') as [string, string, string];
    const pharmacyId = links.pharmacy!.split('.')[0]!;
    expect((await as.anonymous.get(`/onward/${pharmacyId}.${exp}.${mac}`)).status).toBe(404);
    expect((await as.anonymous.get(`/notices/${links.hospital}`)).status).toBe(404);
    expect((await as.anonymous.get(`/onward/${noticeToken}`)).status).toBe(404);
    const noticeId = noticeToken.split('.')[0]!;
    expect((await as.anonymous.get(`/onward/${noticeId}.${exp}.${mac}`)).status).toBe(404);
    expect(hospitalId).toMatch(/^ron_/);
  });

  it('an expired or tampered link is refused with its reason, for the page and the reply', async () => {
    const [id, exp, mac] = links.hospital!.split('.') as [string, string, string];
    const tampered = await as.anonymous.get(`/onward/${id}.${Number(exp) + 60}.${mac}`);
    expect(tampered.status).toBe(404);
    expect(await tampered.text()).toContain('This link is not valid');
    const expiredToken = await signOnwardToken(db, id, '2026-01-01T00:00:00.000Z');
    const expired = await as.anonymous.get(`/onward/${expiredToken}`);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('This link has expired: ask whoever sent you the notice for a new one.');
    const before = await db.get('SELECT count(*) AS n FROM recall_onward_replies');
    expect((await as.anonymous.postForm(`/onward/${expiredToken}?/reply`, hospitalReply)).status).toBe(403);
    expect((await as.anonymous.postForm(`/onward/${id}.${Number(exp) + 60}.${mac}?/reply`, hospitalReply)).status).toBe(404);
    expect(await db.get('SELECT count(*) AS n FROM recall_onward_replies')).toEqual(before);
  });

  it('another distributor, a supplier and manufacturer staff cannot see or pass on the notice; signed out is sent to sign in', async () => {
    const count = async () => (await db.get<{ n: number }>('SELECT count(*) AS n FROM recall_onward_notices'))!.n;
    const before = await count();
    expect((await as.nord.get(`/recalls/${recallId}/pass-on`)).status).toBe(404);
    expect((await passOn(as.nord, { name: 'Spital Zürich', email: 'x@spital.example', 'lots.0': '1' })).status).toBe(404);
    // Another consignee sees its own page only: none of Rhein's customers, and its own 5 units of L-1 as the limit.
    const alpenPage = await markup(await as.alpen.get(`/recalls/${recallId}/pass-on`));
    expect(alpenPage).not.toContain('Klinikum Nord');
    expect(alpenPage).toContain('(≤ 5)');
    expect((await passOn(as.alpen, { name: 'Spital Zürich', email: 'x@spital.example', 'lots.0': '6' })).status).toBe(400);
    for (const who of ['supplier', 'qa'] as const) {
      expect((await as[who].get(`/recalls/${recallId}/pass-on`)).status).toBe(403);
      expect((await passOn(as[who], { name: 'X', email: 'x@x.example', 'lots.0': '1' })).status).toBe(403);
    }
    const anonymous = await as.anonymous.get(`/recalls/${recallId}/pass-on`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent(`/recalls/${recallId}/pass-on`)}`);
    expect((await passOn(as.anonymous, { name: 'X', email: 'x@x.example', 'lots.0': '1' })).status).toBe(303);
    expect(await count()).toBe(before);
  });

  it('a customer passes the notice on one level deeper from its link, within what it was supplied; the depth shows level 3', async () => {
    const tooMany = await as.anonymous.postForm(`/onward/${links.pharmacy}?/passOn`, { name: 'Praxis Dr. Lang', customerType: 'clinic', email: 'praxis@lang.example', language: 'de', 'lots.0': '6' });
    expect(tooMany.status).toBe(400);
    const ok = await as.anonymous.postForm(`/onward/${links.pharmacy}?/passOn`, { name: 'Praxis Dr. Lang', customerType: 'clinic', email: 'praxis@lang.example', language: 'de', 'lots.0': '2' });
    expect(ok.status).toBe(303);
    const row = (await db.get<{ level: number; passed_on_by: string; parent: string }>(
      "SELECT w.level, w.passed_on_by, p.name AS parent FROM recall_onward_notices AS w JOIN recall_onward_notices AS p ON p.id = w.parent_id WHERE w.name = 'Praxis Dr. Lang'",
    ))!;
    expect(row).toEqual({ level: 3, passed_on_by: 'Apotheke am Markt', parent: 'Apotheke am Markt' });
    const praxis = await linkMailedTo('praxis@lang.example');
    expect(await markup(await as.anonymous.get(`/onward/${praxis}`))).toContain('Passed on to you by Apotheke am Markt');
    expect(await markup(await as.qa.get(`/recalls/${recallId}`))).toMatch(/data-testid="depth-level-3"[\s\S]*?data-testid="notified">1</);
    // The consignee sees its whole tree.
    expect(await markup(await as.distributor.get(`/recalls/${recallId}/pass-on`))).toContain('Praxis Dr. Lang');
  });

  it('a link takes at most 5 replies an hour', async () => {
    const pharmacyReply = { ...hospitalReply, 'lots.0.onHand': '3', 'lots.0.quarantined': '3', passedOn: 'yes', passedOnCount: '1' };
    for (let i = 0; i < 5; i++) expect((await as.anonymous.postForm(`/onward/${links.pharmacy}?/reply`, pharmacyReply)).status).toBe(303);
    const sixth = await as.anonymous.postForm(`/onward/${links.pharmacy}?/reply`, pharmacyReply);
    expect(sixth.status).toBe(429);
    expect(await sixth.text()).toContain('At most 5 replies an hour');
    expect(await db.get("SELECT max(version) AS v FROM recall_onward_replies AS r JOIN recall_onward_notices AS w ON w.id = r.onward_notice_id WHERE w.name = 'Apotheke am Markt'")).toEqual({ v: 5 });
  });

  it("the manufacturer's administrator sets a consignee's type (audited); the notice names it; nobody else may", async () => {
    expect((await as.distributor.postForm('/admin/organisations?/consigneeType', { organisationId: rhein, consigneeType: 'healthcare_facility' })).status).toBe(403);
    const bad = await as.admin.postForm('/admin/organisations?/consigneeType', { organisationId: rhein, consigneeType: 'hospital' });
    expect(bad.status).toBe(400);
    const set = await as.admin.postForm('/admin/organisations?/consigneeType', { organisationId: rhein, consigneeType: 'healthcare_facility' });
    expect(set.status).toBe(200);
    expect(await markup(set)).toContain('The consignee type of Rhein Medical Distribution GmbH is saved.');
    expect(await db.get('SELECT consignee_type FROM organisations WHERE id = ?', [rhein])).toEqual({ consignee_type: 'healthcare_facility' });
    const audit = (await db.get<{ old_values: string; new_values: string }>("SELECT old_values, new_values FROM audit_log WHERE action = 'organisation.consignee_type_set'"))!;
    expect([JSON.parse(audit.old_values), JSON.parse(audit.new_values)]).toEqual([{ consigneeType: 'distributor' }, { consigneeType: 'healthcare_facility' }]);
    expect(await markup(await as.anonymous.get(`/notices/${noticeToken}`))).toMatch(/data-testid="consignee-label">To \(healthcare facility\)</);
  });

  it('a customer name or contact person is a name only: a web or mail address or a control character is refused, from the portal and from a link; nothing is sent', async () => {
    const before = await db.get('SELECT (SELECT count(*) FROM recall_onward_notices) AS notices, (SELECT count(*) FROM mail_messages) AS mails');
    const notNames: Record<string, string>[] = [
      { name: 'Klinikum Süd https://evil.example' },
      { name: 'Visit www.evil.example today' },
      { name: 'Klinikum Süd' + String.fromCharCode(7) },
      { contactPerson: 'Dr. Roth, write to roth@evil.example' },
      { contactPerson: 'Dr. Roth\n\nPlease pay invoice 42 at once' },
      { contactPerson: 'Dr. Roth\u202e' },
    ];
    for (const fields of notNames) {
      const refused = await passOn(as.distributor, { name: 'Klinikum Süd', email: 'devices@klinikum-sued.example', 'lots.0': '1', ...fields });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain('Only a name: no web or e-mail addresses, no control characters.');
    }
    const fromLink = await as.anonymous.postForm(`/onward/${links.pharmacy}?/passOn`, { name: 'Praxis http://evil.example', customerType: 'clinic', email: 'praxis@evil.example', language: 'de', 'lots.0': '1' });
    expect(fromLink.status).toBe(400);
    expect(await db.get('SELECT (SELECT count(*) FROM recall_onward_notices) AS notices, (SELECT count(*) FROM mail_messages) AS mails')).toEqual(before);
  });

  it('the notice is passed on down to level 4 at most: the level-4 page offers no pass-on form and its link passes nothing on', async () => {
    const praxis = await linkMailedTo('praxis@lang.example');
    const ok = await as.anonymous.postForm(`/onward/${praxis}?/passOn`, { name: 'Station 4 Dr. Lang', customerType: 'clinic', email: 'station4@lang.example', language: 'en', 'lots.0': '1' });
    expect(ok.status).toBe(303);
    expect(await db.get("SELECT level FROM recall_onward_notices WHERE name = 'Station 4 Dr. Lang'")).toEqual({ level: 4 });
    const deepest = await linkMailedTo('station4@lang.example');
    const page = await markup(await as.anonymous.get(`/onward/${deepest}`));
    expect(page).toContain('The notice cannot be passed on further from here.');
    expect(page).not.toContain('action="?/passOn"');
    expect(await markup(await as.anonymous.get(`/onward/${praxis}`))).toContain('action="?/passOn"');
    const before = await db.get('SELECT (SELECT count(*) FROM recall_onward_notices) AS notices, (SELECT count(*) FROM mail_messages) AS mails');
    const refused = await as.anonymous.postForm(`/onward/${deepest}?/passOn`, { name: 'Level five', customerType: 'clinic', email: 'five@lang.example', language: 'en', 'lots.0': '1' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('The notice is passed on to at most 4 levels: ask the manufacturer to reach your customers.');
    expect(await db.get('SELECT (SELECT count(*) FROM recall_onward_notices) AS notices, (SELECT count(*) FROM mail_messages) AS mails')).toEqual(before);
  });

  it('a revised notice reaches every customer the notice was passed on to, each with its own link to the notice as it now stands; audited [REQ-RCL-DEPTH-01] [REQ-MDCG-FSN-02]', async () => {
    const customers = await db.all<{ id: string; email: string; name: string }>('SELECT id, email, name FROM recall_onward_notices WHERE recall_id = ? ORDER BY email', [recallId]);
    expect(customers.length).toBe(4);
    const issued = await issueNoticeRevision(ctx, await actorFor(db, 'qa@meridian-medical.example'), { id: 'localhost', name: 'Lotbridge', origin: server.url }, {
      type: 'update',
      change: 'Lot L-1 may also crack at the spike.',
      hazard: 'Air embolism; leakage of the infusion',
      recallId,
      portalUrl: server.url,
      credential: { password: demoPassword },
    });
    expect(issued).toMatchObject({ revision: 2, onward: 4 });
    const mails = await db.all<{ id: string; to_address: string; subject: string; text_body: string; entity_id: string }>(
      "SELECT id, to_address, subject, text_body, entity_id FROM mail_messages WHERE purpose = 'recall.onward_notice_revised' ORDER BY to_address",
    );
    expect(mails.map((m) => [m.to_address, m.entity_id])).toEqual(customers.map((c) => [c.email, c.id]));
    const german = mails.find((m) => m.to_address === 'info@apotheke-markt.example')!;
    expect(german.subject).toBe('Aktualisierung 2: Sicherheitsinformation FSCA-ONW-1 — bitte erneut antworten');
    expect(mailText(db, german)).toContain('die Rhein Medical Distribution GmbH an Sie weitergegeben hat, überarbeitet');
    for (const [i, m] of mails.entries()) {
      const token = new URL(/(http:\/\/\S+\/onward\/\S+)/.exec(mailText(db, m))![1]!).pathname.slice('/onward/'.length);
      expect(token.split('.')[0]).toBe(customers[i]!.id);
      const page = await markup(await as.anonymous.get(`/onward/${token}`));
      expect(page).toContain(customers[i]!.name);
      expect(page).toContain('Air embolism; leakage of the infusion');
    }
    const audit = (await db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'recall.notice_revised' AND entity_id = ?", [recallId]))!;
    expect(JSON.parse(audit.new_values)).toMatchObject({ revision: 2, onward: 4 });
  });

  it('a recall sends at most 1,000 onward notices a day over all its consignees and customers', async () => {
    const today = (await db.get<{ n: number }>("SELECT count(*) AS n FROM recall_onward_notices WHERE recall_id = ? AND sent_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')", [recallId]))!.n;
    // Rhein's customers up to the recall's cap (Rhein's own cap of 100 a day left aside): Alpen, which passed nothing on, is refused.
    await db.run(
      `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
       INSERT INTO recall_onward_notices (id, recall_id, notice_id, parent_id, level, passed_on_by, name, customer_type, email, language, lots, sent_at, link_expires_at)
       SELECT 'ron_fill_' || i, w.recall_id, w.notice_id, NULL, 2, w.passed_on_by, 'Customer ' || i, 'hospital', 'customer' || i || '@example.test', 'en', '[]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), w.link_expires_at
         FROM k, recall_onward_notices AS w WHERE w.name = 'Klinikum Nord'`,
      [1000 - today],
    );
    const before = await db.get('SELECT (SELECT count(*) FROM recall_onward_notices) AS notices, (SELECT count(*) FROM mail_messages) AS mails');
    const refused = await passOn(as.alpen, { name: 'Spital Zürich', email: 'devices@spital-zuerich.example', 'lots.0': '1' });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('This recall has sent 1000 notices to customers today: try again tomorrow or ask the manufacturer.');
    expect(await db.get('SELECT (SELECT count(*) FROM recall_onward_notices) AS notices, (SELECT count(*) FROM mail_messages) AS mails')).toEqual(before);
  });

  it('lotbridge audit verify recomputes every customer reply; one changed behind the triggers is named, on the CLI and the pages', async () => {
    const intact = await runCli(['audit', 'verify'], { DATABASE_URL: server.databaseUrl });
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('6 recall_onward_reply');
    const { id } = (await db.get<{ id: string }>("SELECT y.id FROM recall_onward_replies AS y JOIN recall_onward_notices AS w ON w.id = y.onward_notice_id WHERE w.name = 'Klinikum Nord'"))!;
    const raw = rawClient(server.databaseUrl);
    try {
      await raw.executeMultiple(`DROP TRIGGER recall_onward_reply_lots_no_update; UPDATE recall_onward_reply_lots SET quarantined = 0 WHERE reply_id = '${id}';`);
    } finally {
      raw.close();
    }
    const cli = await runCli(['audit', 'verify'], { DATABASE_URL: server.databaseUrl });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`Record ALTERED: recall_onward_reply ${id}: altered since it was recorded`);
    expect(await markup(await as.qa.get(`/recalls/${recallId}`))).toContain(`data-record="recall_onward_reply:${id}"`);
    expect(await markup(await as.distributor.get(`/recalls/${recallId}/reply`))).toContain(`data-record="recall_onward_reply:${id}"`);
  });
});
