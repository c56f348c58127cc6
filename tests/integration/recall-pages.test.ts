// The recall pages of manufacturer QA against the real built server and its SQLite file: the
// signed recall form (every field problem next to its field and translated, values kept but
// never the password, a wrong password, the redirect), the consignee review resolved from
// shipments sent over /erp/webhooks, a consignee added by hand, the notices sent, the list for
// staff and for distributors (only their own notices), the refusals of suppliers and of other
// distributors, and the pages in Chinese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { listRecalls } from '../../shared/recalls/list-recalls.ts';
import { getRecallReview } from '../../shared/recalls/get-recall-review.ts';
import { getRecallOverview } from '../../shared/recalls/get-recall-overview.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { isAppError } from '../../shared/errors.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer, signedInClients } from '../support/portal.ts';
import { postErpEvent } from '../support/erp.ts';
import { actorFor } from '../support/actors.ts';
import { requestWithHost } from '../support/raw-http.ts';
import { replyForm } from '../support/reply-form.ts';

const infusionSet = '09506000134352';
const catheter = '09506000134369';
const by = { type: 'system' as const, name: 'recall pages test' };
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const qaEmail = 'qa@meridian-medical.example';
const rheinEmail = 'distributor@rhein-medical.example';
const nordicUser = { email: 'recalls@nordic-med.example', displayName: 'Karin Lund', password: 'nordic-distributor-pass' };

type Entries = [string, string][];

/** A day `days` from now (UTC), as the date input sends it. */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The recall form as a browser without JavaScript posts it (three product rows, repeated checkbox names). */
function recallForm(overrides: Record<string, string | string[]> = {}): Entries {
  const fields: Record<string, string | string[]> = {
    recallNumber: 'FSCA-QA-1',
    'type.US-FDA': 'recall',
    'class.US-FDA': 'II',
    'type.EU-MDR': '',
    'class.EU-MDR': 'other',
    'type.CN-NMPA': '',
    'class.CN-NMPA': '',
    reason: 'Roller clamp may leak under pressure',
    hazard: 'Air embolism or under-infusion',
    actions: ['quarantine', 'return'],
    instructionText: 'Keep the boxes sealed.',
    'translations.de.reason': 'Die Rollenklemme kann unter Druck undicht werden',
    'translations.de.hazard': 'Luftembolie oder Unterinfusion',
    'translations.de.instructionText': '',
    'products.0.gtin': infusionSet,
    'products.0.lots': 'W1, W2',
    'products.0.serials': '',
    'products.0.expiryFrom': '',
    'products.0.expiryTo': '',
    'products.1.gtin': '',
    'products.1.lots': '',
    'products.2.gtin': '',
    'products.2.lots': '',
    responseDeadline: dayFromNow(14),
    effectivenessLevel: 'B',
    effectivenessPercent: '30',
    noticeLanguages: ['en', 'zh-CN'],
    password: demoPassword,
    ...overrides,
  };
  return Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]));
}

function post(client: BrowserClient, path: string, entries: Entries, headers: Record<string, string> = {}): Promise<Response> {
  return client.request(path, { method: 'POST', body: new URLSearchParams(entries), headers: { accept: 'text/html', ...headers } });
}

/** The text of a page, with its markup's entities decoded enough for assertions. */
async function html(res: Response): Promise<string> {
  return (await res.text()).replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
}

/** What the first element with this data-testid holds, tags stripped. */
function testId(page: string, id: string): string | null {
  const m = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(page);
  return m ? m[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : null;
}

/** One distributor's rows of the consignee table. */
const consigneeRows = (page: string, name: string) => page.split('<tbody').find((chunk) => chunk.includes(name)) ?? '';

describe('recall pages', () => {
  const secret = generateSecret();
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let nordicId: string;
  let iberiaId: string;
  let recallId: string;
  let erpRecallId: string;
  const as: Record<'qa' | 'admin' | 'supplier' | 'rhein' | 'nordic', BrowserClient> = {} as never;

  async function erp(type: string, data: unknown): Promise<Record<string, unknown>> {
    const answer = await postErpEvent(server, secret, type, data);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  }

  const count = async (table: string) => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;

  beforeAll(async () => {
    server = await startBuiltServer({ ERP_INBOUND_SECRET: secret });
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    nordicId = (await createOrganisation(ctx, by, { name: 'Nordic Med Supply AB', kind: 'distributor', erpId: 'C-20002' })).id;
    await addUser(ctx, by, { ...nordicUser, role: 'distributor_user', organisationId: nordicId });
    // A distributor with neither a recall contact nor a portal user: nobody can be mailed there.
    iberiaId = (await createOrganisation(ctx, by, { name: 'Iberia Salud S.L.', kind: 'distributor', erpId: 'C-20003' })).id;

    await erp('shipment.dispatched', { shipmentNumber: 'SH-RP-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-03-01T10:00:00Z', lines: [{ gtin: infusionSet, lot: 'W1', quantity: 30 }] });
    await erp('shipment.dispatched', { shipmentNumber: 'SH-RP-2', distributor: { erpId: 'C-20002' }, dispatchedAt: '2026-03-02T10:00:00Z', lines: [{ gtin: infusionSet, lot: 'W2', quantity: 8 }] });
    await erp('shipment.dispatched', { shipmentNumber: 'SH-RP-3', distributor: { erpId: 'C-20002' }, dispatchedAt: '2026-03-03T10:00:00Z', lines: [{ gtin: catheter, lot: 'K7', quantity: 4 }] });

    const emails = { qa: qaEmail, admin: 'admin@meridian-medical.example', supplier: 'supplier@suzhou-precision.example', rhein: rheinEmail, nordic: nordicUser.email };
    Object.assign(as, await signedInClients(server, db, emails));
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('offers QA the form with three product rows and the signing statement in the signer’s name', async () => {
    const res = await as.qa.get('/recalls/new');
    const page = await html(res);
    expect(res.status).toBe(200);
    expect(page.match(/data-testid="product-row"/g)).toHaveLength(3);
    expect(testId(page, 'sign-statement')).toContain('I, Dr. Lena Fischer, approve this recall');
    expect(page).toContain('Sign and issue');
    for (const level of ['A', 'B', 'C', 'D', 'E']) expect(page).toContain(`name="effectivenessLevel" value="${level}"`);
  });

  it('refuses an incomplete recall with each problem next to its field, keeps the values and never echoes the password', async () => {
    const before = await count('recalls');
    const res = await post(
      as.qa,
      '/recalls/new?/create',
      recallForm({
        'class.US-FDA': '',
        reason: '   ',
        'products.0.gtin': '09506000134353',
        'products.1.gtin': infusionSet,
        'products.1.expiryFrom': '2027-05-01',
        'products.1.expiryTo': '2027-01-01',
        responseDeadline: '2020-01-01',
        effectivenessLevel: '',
        actions: [],
        'translations.de.hazard': 'Ü'.repeat(501),
        password: 'typed-but-never-shown',
      }),
    );
    const page = await html(res);
    expect(res.status).toBe(400);
    expect(testId(page, 'form-message')).toBe('Please correct the highlighted fields.');
    expect(page).toContain('id="classification-US-FDA-problem" data-problem="recalls.classificationClass">Choose the class for this jurisdiction.');
    expect(page).toContain('id="reason-problem" data-problem="recalls.reasonRequired">Say why the devices are recalled.');
    expect(page).toContain('id="products-0-gtin-problem" data-problem="recalls.badGtin">This is not a valid GTIN (check digit or length).');
    expect(page).toContain('id="products-1-expiryTo-problem" data-problem="recalls.expiryRange">The end is before the start of the range.');
    expect(page).toContain('id="responseDeadline-problem" data-problem="recalls.deadlinePast">The deadline is in the past.');
    expect(page).toContain('id="effectivenessLevel-problem" data-problem="recalls.badLevel">Choose a level from A to E.');
    expect(page).toContain('id="actions-problem" data-problem="recalls.actionsNone">Choose at least one action.');
    expect(page).toContain('id="translations-de-hazard-problem" data-problem="recalls.tooLong">At most 500 characters.');
    expect(page).toContain('Die Rollenklemme kann unter Druck undicht werden</textarea>');
    // The typed values are back in their fields.
    expect(page).toMatch(/id="recallNumber"[^>]*value="FSCA-QA-1"/);
    expect(page).toMatch(/id="products-0-lots"[^>]*>W1, W2<\/textarea>/);
    expect(page).toMatch(/id="products-1-expiryFrom"[^>]*value="2027-05-01"/);
    expect(page).toMatch(/<option value="other" selected/);
    expect(page).toContain('Keep the boxes sealed.');
    expect(page).not.toContain('typed-but-never-shown');
    expect(await count('recalls')).toBe(before);
  });

  it('refuses a wrong password without recording anything [REQ-P11-ESIG-03]', async () => {
    const before = { recalls: await count('recalls'), signatures: await count('signatures') };
    const res = await post(as.qa, '/recalls/new?/create', recallForm({ password: 'not-my-password' }));
    const page = await html(res);
    expect(res.status).toBe(401);
    expect(testId(page, 'form-message')).toBe('The password is wrong: the recall was not issued.');
    expect(page).toContain('id="password-problem" data-problem="signatures.wrongPassword">Wrong password.');
    expect(page).toMatch(/id="recallNumber"[^>]*value="FSCA-QA-1"/);
    expect(page).not.toContain('not-my-password');
    expect({ recalls: await count('recalls'), signatures: await count('signatures') }).toEqual(before);
  });

  it('issues the signed recall and redirects to its review page, which lists the consignees from the shipments', async () => {
    const res = await post(as.qa, '/recalls/new?/create', recallForm());
    await res.body?.cancel();
    expect(res.status).toBe(303);
    const m = /^\/recalls\/(rcl_[a-z2-7]+)\?created=1$/.exec(res.headers.get('location') ?? '');
    expect(m, res.headers.get('location') ?? '').not.toBeNull();
    recallId = m![1]!;

    const row = await db.get<{ state: string; source: string; effectiveness_level: string; severity: number }>('SELECT state, source, effectiveness_level, severity FROM recalls WHERE id = ?', [recallId]);
    expect(row).toEqual({ state: 'received', source: 'portal', effectiveness_level: 'B', severity: 2 });
    // The German texts are part of what QA signed (an empty one is not recorded).
    const signed = (await db.get<{ translations: string; record_hash: string; signed: string }>(
      "SELECT payload -> '$.translations' AS translations, record_hash, (SELECT record_hash FROM signatures WHERE entity_type = 'recall' AND entity_id = recalls.id) AS signed FROM recalls WHERE id = ?",
      [recallId],
    ))!;
    expect(JSON.parse(signed.translations)).toEqual({ de: { reason: 'Die Rollenklemme kann unter Druck undicht werden', hazard: 'Luftembolie oder Unterinfusion' } });
    expect(signed.signed).toBe(signed.record_hash);

    const page = await html(await as.qa.get(`/recalls/${recallId}?created=1`));
    expect(testId(page, 'created')).toContain('Distributors on it: 2.');
    expect(testId(page, 'state')).toBe('Under review');
    expect(testId(page, 'classifications')).toBe('USA (FDA): Recall, Class II EU (MDR): Field safety corrective action (FSCA), Other');
    expect(testId(page, 'signer-name')).toBe('Dr. Lena Fischer (qa@meridian-medical.example)');
    expect(testId(page, 'meaning')).toBe('Approval');
    expect(testId(page, 'translation-de')).toBe('Reason for the recall: Die Rollenklemme kann unter Druck undicht werden Hazard to patients and users: Luftembolie oder Unterinfusion');
    expect(testId(page, 'consignee-totals')).toBe('Distributors: 2 · lines: 2 · units: 38');
    const rhein = consigneeRows(page, 'Rhein Medical Distribution GmbH');
    expect(rhein).toContain(rheinEmail);
    expect(rhein).toContain('ERP C-20001');
    expect(rhein).toMatch(/W1<\/td>\s*<td[^>]*>30<\/td>/);
    expect(rhein).toContain('Shipments');
    expect(page).toContain(nordicUser.email);
    expect(testId(page, 'send-summary')).toBe('Distributors to notify: 2. E-mails to send: 2.');
    expect(page).not.toContain('data-testid="without-address"');
    expect(page).toContain('data-testid="send-form"');
    expect(page).toContain('data-testid="add-consignee-form"');
  });

  it('lets QA add a consignee by hand: refusals per field, then the line marked as added by QA and its missing address named', async () => {
    const refused = await post(as.qa, `/recalls/${recallId}?/addConsignee`, [
      ['distributorOrganisationId', iberiaId],
      ['gtin', infusionSet],
      ['lot', 'W3'],
      ['quantity', '0'],
      ['serials', ''],
      ['reason', ''],
    ]);
    const refusedPage = await html(refused);
    expect(refused.status).toBe(400);
    expect(refusedPage).toContain('Enter a whole number of at least 1.');
    expect(refusedPage).toContain('Say why this distributor is added by hand.');
    expect(refusedPage).toMatch(/id="add-lot"[^>]*value="W3"/);

    const wrongProduct = await html(
      await post(as.qa, `/recalls/${recallId}?/addConsignee`, [
        ['distributorOrganisationId', iberiaId],
        ['gtin', catheter],
        ['lot', 'K7'],
        ['quantity', '2'],
        ['reason', 'Stock moved outside the ERP'],
      ]),
    );
    expect(wrongProduct).toContain('This GTIN is not a product of this recall.');

    const res = await post(as.qa, `/recalls/${recallId}?/addConsignee`, [
      ['distributorOrganisationId', iberiaId],
      ['gtin', infusionSet],
      ['lot', 'W3'],
      ['quantity', '5'],
      ['serials', ''],
      ['reason', 'Stock moved from Rhein to Iberia outside the ERP'],
    ]);
    const page = await html(res);
    expect(res.status).toBe(200);
    expect(testId(page, 'consignee-added')).toBe('Iberia Salud S.L. was added as a consignee (units: 5).');
    expect(testId(page, 'consignee-totals')).toBe('Distributors: 3 · lines: 3 · units: 43');
    expect(page).toContain('data-source="manual"');
    expect(page).toContain('Added by QA');
    expect(page).toContain('No address');
    expect(testId(page, 'without-address')).toContain('No e-mail address for: Iberia Salud S.L.');
    expect(testId(page, 'send-summary')).toBe('Distributors to notify: 3. E-mails to send: 2.');

    const audit = await db.get<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'recall.consignee_added' AND entity_id = ?", [recallId]);
    expect(audit?.reason).toBe('Stock moved from Rhein to Iberia outside the ERP');
  });

  it('shows administrators the review without the QA forms, and refuses their actions', async () => {
    const page = await html(await as.admin.get(`/recalls/${recallId}`));
    expect(page).toContain('data-testid="consignees"');
    expect(page).not.toContain('data-testid="send-form"');
    expect(page).not.toContain('data-testid="add-consignee-form"');
    const res = await post(as.admin, `/recalls/${recallId}?/send`, [['confirm', 'yes']]);
    await res.body?.cancel();
    expect(res.status).toBe(403);
    expect(await count('recall_notices')).toBe(0);
  });

  it('lets QA, and only QA, act on a recall under review; nobody closes it yet (getRecallOverview)', async () => {
    const qa = await getRecallOverview(ctx, await actorFor(db, qaEmail), recallId);
    expect(qa.permissions).toEqual({ act: true, add: true, close: false, followUp: false });
    expect(qa.dashboard).toBeNull();
    expect(qa.altered).toEqual([]);
    expect((await getRecallOverview(ctx, await actorFor(db, 'admin@meridian-medical.example'), recallId)).permissions).toEqual({ act: false, add: false, close: false, followUp: false });
    for (const email of [rheinEmail, 'supplier@suzhou-precision.example']) {
      const refused = await getRecallOverview(ctx, await actorFor(db, email), recallId).catch((e: unknown) => e);
      expect(isAppError(refused) && refused.code, email).toBe('not_found');
    }
  });

  it('never builds notice links from a Host header the client chose (no PUBLIC_URL, not behind a trusted proxy)', async () => {
    const forged = await requestWithHost(server.url, {
      method: 'POST',
      path: `/recalls/${recallId}?/send`,
      host: 'evil.example',
      headers: {
        origin: 'http://evil.example',
        cookie: [...as.qa.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'confirm=yes',
    });
    expect(forged.status).toBe(503);
    expect(forged.body).toContain('Notice links cannot be built: this portal does not know its public address.');
    expect(forged.body).not.toContain('evil.example/notices');
    expect(await count('recall_notices')).toBe(0);
    expect(await db.get("SELECT COUNT(*) AS n FROM mail_messages WHERE entity_type = 'recall_notice'")).toEqual({ n: 0 });
  });

  it('sends the notices only when QA confirms the review, then shows the status line and the dashboard [REQ-P11-SEQ-01]', async () => {
    const unconfirmed = await post(as.qa, `/recalls/${recallId}?/send`, []);
    const unconfirmedPage = await html(unconfirmed);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmedPage).toContain('Tick the box to confirm that you have reviewed the consignees.');
    expect(await count('recall_notices')).toBe(0);

    const res = await post(as.qa, `/recalls/${recallId}?/send`, [['confirm', 'yes']]);
    const page = await html(res);
    expect(res.status).toBe(200);
    expect(testId(page, 'notices-sent')).toBe('Notices sent. Distributors notified: 3; e-mails: 2.');
    expect(page).toContain('Nobody could be mailed at: Iberia Salud S.L.');

    const recall = await db.get<{ state: string; notices_sent_at: string }>('SELECT state, notices_sent_at FROM recalls WHERE id = ?', [recallId]);
    expect(recall?.state).toBe('open');
    expect(await db.all('SELECT distributor_organisation_id AS org FROM recall_notices WHERE recall_id = ? ORDER BY org', [recallId])).toHaveLength(3);
    const mails = await db.all<{ to_address: string }>("SELECT * FROM mail_messages WHERE entity_type = 'recall_notice'");
    expect(mails).toHaveLength(2);

    const after = await html(await as.qa.get(`/recalls/${recallId}`));
    expect(testId(after, 'sent-status')).toBe(`Notices sent at ${recall!.notices_sent_at.slice(0, 10)} ${recall!.notices_sent_at.slice(11, 16)} UTC by Dr. Lena Fischer.`);
    expect(testId(after, 'state')).toBe('Open: notices sent');
    expect(after).toContain('data-testid="recall-dashboard"');
    expect(after).toContain(`recalls/${recallId}/report.csv"`);
    expect(after).toContain(`recalls/${recallId}/report.pdf"`);
    expect(after).toContain(`recalls/${recallId}/effectiveness"`);
    expect(after).not.toContain('data-testid="send-form"');
    // A consignee found later is still added, and then gets its notice at once (recall-late-consignees.test.ts).
    expect(testId(after, 'add-open-intro')).toContain('a distributor added now gets its notice at once');

    const again = await post(as.qa, `/recalls/${recallId}?/send`, [['confirm', 'yes']]);
    expect(again.status).toBe(409);
    expect(await html(again)).toContain('The notices of this recall were already sent.');
    expect(await count('recall_notices')).toBe(3);
  });

  it('lets QA, and only QA, close the recall once its notices are out, with the dashboard (getRecallOverview)', async () => {
    const qa = await getRecallOverview(ctx, await actorFor(db, qaEmail), recallId);
    expect(qa.permissions).toEqual({ act: false, add: true, close: true, followUp: true });
    expect(qa.dashboard?.counts.consignees).toBe(3);
    expect((await getRecallOverview(ctx, await actorFor(db, 'admin@meridian-medical.example'), recallId)).permissions).toEqual({ act: false, add: false, close: false, followUp: false });
  });

  it('lists every recall for staff, newest first, with its progress; QA gets the "New recall" button', async () => {
    // An ERP recall of the catheter, shipped only to Nordic, arrives later and waits for review.
    const issued = await erp('recall.issued', { recallNumber: 'FSCA-ERP-9', issuedAt: new Date(Date.now() + 1000).toISOString(), reason: 'Tip may detach', hazard: 'Under-infusion', type: 'Recall', class: 'Class II', products: [{ gtin: catheter, lots: ['K7'] }] });
    erpRecallId = (issued.outcome as { recall: string }).recall;
    const erpReview = await html(await as.qa.get(`/recalls/${erpRecallId}`));
    expect(testId(erpReview, 'classifications')).toBe('As the ERP sent it: Recall, Class II');
    expect(erpReview).not.toContain('data-testid="signature"');
    expect(testId(erpReview, 'consignee-totals')).toBe('Distributors: 1 · lines: 1 · units: 4');

    // Rhein signs its reply with all stock on hand quarantined.
    const rhein = await actorFor(db, rheinEmail);
    const notice = await db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, rhein.organisationId]);
    await submitAcknowledgement(ctx, rhein, rp, {
      noticeId: notice!.id,
      understood: true,
      holdsStock: true,
      lots: [{ gtin: infusionSet, lot: 'W1', received: 30, onHand: 12, quarantined: 12, returned: 18, destroyed: 0, subRecipients: [] }],
      form: replyForm(),
      credential: { password: demoPassword },
      locale: 'en',
    });

    const page = await html(await as.qa.get('/recalls'));
    expect(page).toContain('data-testid="new-recall"');
    const rows = [...page.matchAll(/data-testid="recall" data-state="(\w+)" data-number="([^"]+)"/g)].map((m) => [m[2], m[1]]);
    expect(rows).toEqual([
      ['FSCA-ERP-9', 'received'],
      ['FSCA-QA-1', 'open'],
    ]);
    const qaRow = page.slice(page.indexOf('data-number="FSCA-QA-1"'));
    expect(testId(qaRow, 'consignees')).toBe('3');
    expect(testId(qaRow, 'notices')).toBe('3');
    expect(testId(qaRow, 'acknowledged')).toBe('1');
    expect(testId(qaRow, 'quarantine-confirmed')).toBe('1');
    expect(page).toContain('From the ERP');

    const received = await html(await as.qa.get('/recalls?state=received'));
    expect(received).toContain('FSCA-ERP-9');
    expect(received).not.toContain('FSCA-QA-1');
    const portal = await html(await as.qa.get('/recalls?source=portal'));
    expect(portal).toContain('FSCA-QA-1');
    expect(portal).not.toContain('FSCA-ERP-9');

    const admin = await html(await as.admin.get('/recalls'));
    expect(admin).toContain('FSCA-QA-1');
    expect(admin).not.toContain('data-testid="new-recall"');
  });

  it('shows a distributor only the recalls it has a notice for, with its reply, and sends it to the reply page', async () => {
    await sendRecallNotices(ctx, await actorFor(db, qaEmail), { recallId: erpRecallId, portalUrl: server.url });

    const rheinPage = await html(await as.rhein.get('/recalls'));
    expect(rheinPage).toContain('FSCA-QA-1');
    expect(rheinPage).not.toContain('FSCA-ERP-9');
    expect(rheinPage).toContain(`recalls/${recallId}/reply">FSCA-QA-1</a>`);
    expect(rheinPage).toMatch(/data-reply="quarantine_confirmed"/);
    expect(rheinPage).toContain('Quarantine confirmed (version 1)');
    expect(rheinPage).not.toContain('data-testid="new-recall"');

    const nordicPage = await html(await as.nordic.get('/recalls'));
    expect([...nordicPage.matchAll(/data-reply="(\w+)" data-number="([^"]+)"/g)].map((m) => [m[2], m[1]])).toEqual([
      ['FSCA-ERP-9', 'not_replied'],
      ['FSCA-QA-1', 'not_replied'],
    ]);
    expect(nordicPage).toContain('Not replied');

    for (const id of [recallId, erpRecallId]) {
      const res = await as.rhein.get(`/recalls/${id}`);
      await res.body?.cancel();
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/recalls/${id}/reply`);
    }
    // The use cases behind the pages say the same: no notice, no recall.
    const rhein = await actorFor(db, rheinEmail);
    const listed = await listRecalls(ctx, rhein);
    expect(listed.items.map((i) => i.recallNumber)).toEqual(['FSCA-QA-1']);
    const refused = await getRecallReview(ctx, rhein, erpRecallId).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('not_found');

    const newForm = await as.rhein.get('/recalls/new');
    await newForm.body?.cancel();
    expect(newForm.status).toBe(403);
    const create = await post(as.rhein, '/recalls/new?/create', recallForm({ recallNumber: 'FSCA-BY-RHEIN', password: demoPassword }));
    await create.body?.cancel();
    expect(create.status).toBe(403);
    expect(await db.get("SELECT id FROM recalls WHERE recall_number = 'FSCA-BY-RHEIN'")).toBeUndefined();
  });

  it('refuses a supplier everywhere and shows it no recalls link', async () => {
    const before = { recalls: await count('recalls'), consignees: await count('recall_consignees'), notices: await count('recall_notices') };
    for (const [path, status] of [
      ['/recalls', 403],
      ['/recalls/new', 403],
      [`/recalls/${recallId}`, 404],
      [`/recalls/${erpRecallId}`, 404],
    ] as const) {
      const res = await as.supplier.get(path);
      await res.body?.cancel();
      expect(res.status, path).toBe(status);
    }
    // The actions refuse (forbidden); the page then answers as its load does: a recall does not exist for a supplier.
    for (const [path, entries, status] of [
      ['/recalls/new?/create', recallForm({ recallNumber: 'FSCA-BY-SUPPLIER' }), 403],
      [`/recalls/${erpRecallId}?/addConsignee`, [['distributorOrganisationId', iberiaId], ['gtin', catheter], ['lot', 'K9'], ['quantity', '1'], ['reason', 'x']], 404],
      [`/recalls/${erpRecallId}?/send`, [['confirm', 'yes']], 404],
    ] as [string, Entries, number][]) {
      const res = await post(as.supplier, path, entries);
      await res.body?.cancel();
      expect(res.status, path).toBe(status);
    }
    expect({ recalls: await count('recalls'), consignees: await count('recall_consignees'), notices: await count('recall_notices') }).toEqual(before);

    const home = await html(await as.supplier.get('/home'));
    // Links are relative to the page (SvelteKit's relative paths): "./recalls" from /home.
    const recallsLink = /<a href="\.\/recalls">Recalls<\/a>/;
    expect(home).not.toMatch(recallsLink);
    expect(await html(await as.rhein.get('/home'))).toMatch(recallsLink);
    expect(await html(await as.qa.get('/home'))).toMatch(recallsLink);
  });

  it('renders the pages in Chinese, by the lang cookie or the browser’s Accept-Language', async () => {
    const byHeader = await html(await as.qa.request('/recalls', { headers: { accept: 'text/html', 'accept-language': 'zh-CN,zh;q=0.9' } }));
    expect(byHeader).toContain('<html lang="zh-CN"');
    expect(byHeader).toContain('新建召回');
    expect(byHeader).toContain('进行中：通知已发送');

    const zh = new BrowserClient(server.url);
    await signInDirectly(zh, db, qaEmail);
    zh.cookies.set('lang', 'zh-CN');
    const form = await html(await zh.get('/recalls/new'));
    expect(form).toContain('本人 Dr. Lena Fischer 批准按上述内容发布此召回');
    expect(form).toContain('签名并发布');
    expect(form).toContain('逐一联系全部收货方');

    const refused = await html(await post(zh, '/recalls/new?/create', recallForm({ recallNumber: 'FSCA-QA-1', reason: '' })));
    expect(refused).toContain('请说明召回原因。');
    const taken = await html(await post(zh, '/recalls/new?/create', recallForm({ recallNumber: 'FSCA-QA-1' })));
    expect(taken).toContain('该召回编号已被使用。');

    const review = await html(await zh.get(`/recalls/${erpRecallId}`));
    expect(review).toContain('收货方');
    expect(review).toContain('来自 ERP');
    const detail = await html(await zh.get(`/recalls/${recallId}`));
    expect(detail).toContain('质量部门手动添加');
    expect(detail).toContain('无地址');

    const nordic = new BrowserClient(server.url);
    await signInDirectly(nordic, db, nordicUser.email);
    nordic.cookies.set('lang', 'zh-CN');
    const list = await html(await nordic.get('/recalls'));
    expect(list).toContain('贵公司收到通知的召回');
    expect(list).toContain('尚未回复');
  });
});
