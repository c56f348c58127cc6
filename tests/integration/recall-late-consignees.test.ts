// Every consignee reached for the whole life of a recall, against the real built server and its
// SQLite file: a distributor reached only over AS2 gets the notice PDF with its reply link (read
// back with pdftotext), is counted as notified over AS2 (dashboard, 21 CFR 7.53(b)(1) method in
// the status report PDF and CSV), and replies through the link once QA gives it a recall
// contact; a consignee added after the release gets its notice in the add's own transaction,
// with its own reply time, so its follow-ups do not start overdue; lots added to a consignee
// that has its notice send that notice again, never a second one; follow-ups go to the contact
// as it is now. Refusals: signed out, wrong role, a distributor, a closed recall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { fixedClock, systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { createTestApiKey } from '../support/api-keys.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { checkNoticeToken } from '../../shared/recalls/notice-link.ts';
import { sendRecallFollowUps } from '../../shared/recalls/send-recall-follow-ups.ts';
import { defaultReplyDays } from '../../shared/recalls/recall-terms.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import type { RunningServer } from '../support/server.ts';
import { addAs2OnlyDistributor } from '../support/edi-partner.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer, signedInClients } from '../support/portal.ts';
import { mailText, withMailText } from '../support/mail.ts';
import { pdfText } from '../support/pdf-text.ts';

const gtin = '09506000134352';
const by = { type: 'system' as const, name: 'late consignees test' };
const day = 86_400_000;

type Entries = [string, string][];

function post(client: BrowserClient, path: string, entries: Entries): Promise<Response> {
  return client.request(path, { method: 'POST', body: new URLSearchParams(entries), headers: { accept: 'text/html' } });
}

async function html(res: Response): Promise<string> {
  return (await res.text()).replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
}

function testId(page: string, id: string): string | null {
  const m = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(page);
  return m ? m[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : null;
}

/** The dashboard row of one consignee. */
const row = (page: string, organisationId: string) => /<tr data-organisation="[^"]*"[^>]*>[\s\S]*?<\/tr>/g[Symbol.match](page)?.find((r) => r.includes(`data-organisation="${organisationId}"`)) ?? '';

const addLine = (distributor: string, lot: string, quantity: number): Entries => [
  ['distributorOrganisationId', distributor],
  ['gtin', gtin],
  ['lot', lot],
  ['quantity', String(quantity)],
  ['reason', 'Stock moved outside the ERP, found in the warehouse audit'],
];

describe('every consignee reached, for the whole life of the recall', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let recallId: string;
  let recallDeadline: string;
  let rhein: string;
  let nordic: string;
  let alpen: string;
  let alpenToken: string;
  const as: Record<'qa' | 'admin' | 'rhein' | 'supplier' | 'anonymous', BrowserClient> = {} as never;

  const count = async (sql: string, args: unknown[] = []) => (await db.get<{ n: number }>(sql, args as never))!.n;
  const notice = (org: string) =>
    db.get<{ id: string; recipients: string; channels: string; sent_at: string; response_deadline: string; link_expires_at: string }>(
      'SELECT id, recipients, channels, sent_at, response_deadline, link_expires_at FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?',
      [recallId, org],
    );

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    // Found later: a distributor with a recall contact and no portal user.
    nordic = (await createOrganisation(ctx, by, { name: 'Nordic Med Supply AB', kind: 'distributor', erpId: 'C-20002' })).id;
    await db.run("UPDATE organisations SET recall_contact_email = 'recalls@nordic-med.example' WHERE id = ?", [nordic]);
    // Reached only over AS2: an EDI partner with no recall contact and no portal user.
    alpen = (await addAs2OnlyDistributor(ctx, 'C-20009')).organisationId;
    // Its WMS holds an API key: the key's technical user is a member with the distributor's role,
    // but no person can sign in there (the administrators who made the key have left).
    await addUser(ctx, by, { email: 'it@alpen-med.example', displayName: 'Alpen IT', password: 'alpen-it-password', organisationId: alpen, role: 'distributor_user', administers: true });
    await createTestApiKey(ctx, 'it@alpen-med.example', { scopes: ['recalls:read'] });
    await db.run("UPDATE users SET disabled_at = ? WHERE kind = 'person' AND id IN (SELECT user_id FROM memberships WHERE organisation_id = ?)", [new Date().toISOString(), alpen]);

    const now = new Date();
    let n = 0;
    const erp = async (type: string, data: unknown) =>
      (await receiveErpEvent(ctx, { webhookId: `msg_late_${++n}`, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as { recall: string };
    await erp('shipment.dispatched', { shipmentNumber: 'SH-LATE-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin, lot: 'W1', quantity: 30 }] });
    await erp('shipment.dispatched', { shipmentNumber: 'SH-LATE-2', distributor: { erpId: 'C-20009' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin, lot: 'W1', quantity: 6 }] });
    // Severity 2 (no classification): 10 days to reply by default; the recall gives 3.
    recallId = (
      await erp('recall.issued', {
        recallNumber: 'FSCA-LATE-1',
        issuedAt: now.toISOString(),
        reason: 'Roller clamp may leak',
        hazard: 'Air embolism',
        products: [{ gtin, lots: ['W1', 'W2'] }],
        responseDeadline: new Date(now.getTime() + 3 * day).toISOString().slice(0, 10),
        noticeLanguages: ['en', 'zh-CN'],
      })
    ).recall;
    recallDeadline = (await db.get<{ d: string }>('SELECT response_deadline AS d FROM recalls WHERE id = ?', [recallId]))!.d;
    Object.assign(
      as,
      await signedInClients(server, db, { qa: 'qa@meridian-medical.example', admin: 'admin@meridian-medical.example', rhein: 'distributor@rhein-medical.example', supplier: 'supplier@suzhou-precision.example' }),
    );
    as.anonymous = new BrowserClient(server.url);

    const sent = await post(as.qa, `/recalls/${recallId}?/send`, [['confirm', 'yes']]);
    expect(sent.status).toBe(200);
    await sent.body?.cancel();
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('sends the AS2-only distributor its notice PDFs with the reply link, and records the channels each notice went out on (an API key is no portal user)', async () => {
    expect(JSON.parse((await notice(alpen))!.channels)).toEqual(['as2']);
    expect(JSON.parse((await notice(alpen))!.recipients)).toEqual([]);
    expect(JSON.parse((await notice(rhein))!.channels)).toEqual(['email', 'portal']);
    // The channels are part of what was sent: fixed like the rest of the notice.
    await expect(db.run("UPDATE recall_notices SET channels = '[\"email\"]' WHERE id = ?", [(await notice(alpen))!.id])).rejects.toThrow(/never edited/);
    await expect(db.run('UPDATE recall_notices SET response_deadline = ? WHERE id = ?', ['2030-01-01T00:00:00.000Z', (await notice(alpen))!.id])).rejects.toThrow(/never edited/);

    const pdfs = await db.all<{ filename: string; payload: ArrayBuffer }>(
      "SELECT filename, payload FROM as2_outbound_messages WHERE relates_to_type = 'recall_notice' AND relates_to_id = ? ORDER BY filename",
      [(await notice(alpen))!.id],
    );
    expect(pdfs.map((p) => p.filename)).toEqual(['field-safety-notice-FSCA-LATE-1-en.pdf', 'field-safety-notice-FSCA-LATE-1-zh-CN.pdf']);
    for (const pdf of pdfs) {
      const text = pdfText(new Uint8Array(pdf.payload)).replace(/\s+/g, '');
      const token = /\/notices\/(rnt_[a-z2-7]+\.\d+\.[A-Za-z0-9_-]{43})/.exec(text)?.[1];
      expect(token, pdf.filename).toBeDefined();
      // The link in the PDF is the notice's own signed link, valid as long as the mailed ones.
      expect(await checkNoticeToken(db, token!, new Date())).toEqual({ ok: true, noticeId: (await notice(alpen))!.id });
      alpenToken = token!;
    }
  });

  it('counts the AS2-only distributor as notified over AS2 on the dashboard, not as without an address', async () => {
    const page = await html(await as.qa.get(`/recalls/${recallId}`));
    expect(testId(page, 'figure-notified')).toBe('2 Notified');
    expect(testId(page, 'figure-withoutAddress')).toBe('0 Without an address');
    expect(testId(page, 'figure-as2')).toBe('1 Notified over AS2');
    const alpenRow = row(page, alpen);
    expect(alpenRow).toContain('data-delivery="as2"');
    expect(alpenRow).toContain('Over AS2 (EDI)');
    expect(testId(alpenRow, 'channels')).toBe('Sent via: AS2');
    expect(testId(row(page, rhein), 'channels')).toBe('Sent via: e-mail · portal');
  });

  it('reports the methods of notification actually used, with their counts, in the status report CSV and PDF (21 CFR 7.53(b)(1)) [REQ-RCL-STATUS-01]', async () => {
    const csv = await (await as.qa.get(`/recalls/${recallId}/report.csv`)).text();
    expect(csv).toContain('# notified_by_email,1');
    expect(csv).toContain('# notified_by_as2,1');
    expect(csv).toContain('# notified_by_portal,1');
    expect(csv).toContain('the field safety notice PDF over AS2 (EDI), with the personal link to reply in the portal: 1 consignees');
    const pdf = await as.qa.get(`/recalls/${recallId}/report.pdf`);
    expect(pdf.status).toBe(200);
    const text = pdfText(new Uint8Array(await pdf.arrayBuffer())).replace(/\s+/g, ' ');
    expect(text).toContain('e-mail with the field safety notice and a personal link to acknowledge in the portal: 1 consignees;');
    expect(text).toContain('over AS2 (EDI)');
  });

  it('refuses adding a consignee to anyone but QA: signed out, an administrator, a distributor, a supplier', async () => {
    const before = { consignees: await count('SELECT COUNT(*) AS n FROM recall_consignees'), notices: await count('SELECT COUNT(*) AS n FROM recall_notices') };
    const anonymous = await post(as.anonymous, `/recalls/${recallId}?/addConsignee`, addLine(nordic, 'W2', 4));
    await anonymous.body?.cancel();
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
    // The action refuses (forbidden); for a supplier the page then answers as its load does: no such recall.
    for (const [who, status] of [
      ['admin', 403],
      ['supplier', 404],
    ] as const) {
      const res = await post(as[who], `/recalls/${recallId}?/addConsignee`, addLine(nordic, 'W2', 4));
      await res.body?.cancel();
      expect(res.status, who).toBe(status);
    }
    // A distributor's user is refused, then sent where it belongs: its reply page.
    const distributor = await post(as.rhein, `/recalls/${recallId}?/addConsignee`, addLine(nordic, 'W2', 4));
    await distributor.body?.cancel();
    expect(distributor.status).toBe(303);
    expect(distributor.headers.get('location')).toBe(`/recalls/${recallId}/reply`);
    expect({ consignees: await count('SELECT COUNT(*) AS n FROM recall_consignees'), notices: await count('SELECT COUNT(*) AS n FROM recall_notices') }).toEqual(before);
  });

  it('sends a consignee added after the release its notice in the same transaction, with its own reply time [REQ-RCL-NOTICE-01]', async () => {
    const res = await post(as.qa, `/recalls/${recallId}?/addConsignee`, addLine(nordic, 'W2', 4));
    const page = await html(res);
    expect(res.status).toBe(200);
    const n = (await notice(nordic))!;
    expect(testId(page, 'consignee-added')).toBe(
      `Nordic Med Supply AB was added as a consignee (units: 4) and sent its notice; its reply is due by ${n.response_deadline.slice(0, 10)} ${n.response_deadline.slice(11, 16)} UTC.`,
    );
    expect(JSON.parse(n.recipients)).toEqual(['recalls@nordic-med.example']);
    expect(JSON.parse(n.channels)).toEqual(['email']);
    // Its own reply time: the default for the severity from its notice, later than the recall's deadline.
    expect(n.response_deadline).toBe(new Date(Date.parse(n.sent_at) + defaultReplyDays[2] * day).toISOString());
    expect(n.response_deadline > recallDeadline).toBe(true);
    expect(n.link_expires_at).toBe(new Date(Date.parse(n.response_deadline) + 90 * day).toISOString());

    const mails = withMailText(db, await db.all<{ id: string; to_address: string; purpose: string; text_body: string; attachments: string }>(
      "SELECT id, to_address, purpose, text_body, attachments FROM mail_messages WHERE entity_type = 'recall_notice' AND entity_id = ?",
      [n.id],
    ));
    expect(mails.map((m) => [m.to_address, m.purpose])).toEqual([['recalls@nordic-med.example', 'recall.notice']]);
    expect(mails[0]!.text_body).toContain(`Please reply by ${n.response_deadline.slice(0, 10)} ${n.response_deadline.slice(11, 16)} UTC`);
    expect(mails[0]!.text_body).toMatch(/\/notices\/rnt_[a-z2-7]+\./);
    expect(JSON.parse(mails[0]!.attachments).map((a: { ref: { locale: string } }) => a.ref.locale)).toEqual(['en', 'zh-CN']);

    const events = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = 'recall.notice_sent' AND organisation_id = ?",
      [nordic],
    );
    const data = events.map((e) => validateEvent(JSON.parse(webhookBody(e)), 'outbound').data);
    expect(data).toMatchObject([{ noticeId: n.id, method: 'email', responseDeadline: n.response_deadline, lots: [{ gtin, lot: 'W2', quantityShipped: 4 }] }]);

    const audit = await db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'recall.consignee_added' AND entity_id = ? ORDER BY seq DESC LIMIT 1", [recallId]);
    expect(JSON.parse(audit!.new_values).notice).toMatchObject({ id: n.id, created: true, channels: ['email'], to: ['recalls@nordic-med.example'], responseDeadline: n.response_deadline });

    const dashboard = await html(await as.qa.get(`/recalls/${recallId}`));
    expect(testId(dashboard, 'figure-notified')).toBe('3 Notified');
    expect(testId(row(dashboard, nordic), 'channels')).toBe('Sent via: e-mail');
  });

  it('follows the late consignee up on its own schedule, to its recall contact as it is now [REQ-RCL-FOLLOWUP-01]', async () => {
    const late = (await notice(nordic))!;
    // Two days after the recall's deadline: Rhein, notified at the release, is due its second notice; the late one is not overdue.
    const followUps = (at: number) => sendRecallFollowUps({ ...ctx, clock: fixedClock(new Date(at)) }, { portalUrl: server.url });
    const first = await followUps(Date.parse(recallDeadline) + 2 * day + 60_000);
    expect(first.map((f) => [f.noticeId, f.kind]).sort()).toEqual(
      [
        [(await notice(rhein))!.id, 'second_notice'],
        [(await notice(alpen))!.id, 'second_notice'],
      ].sort(),
    );

    // The contact changes after the notice: the follow-up goes to the new one.
    await db.run("UPDATE organisations SET recall_contact_email = 'qa-desk@nordic-med.example' WHERE id = ?", [nordic]);
    const reminder = await followUps(Date.parse(late.response_deadline) - 3 * day + 60_000);
    const nordicReminder = reminder.find((f) => f.noticeId === late.id);
    expect(nordicReminder).toMatchObject({ kind: 'reminder', to: 'qa-desk@nordic-med.example' });
    const mail = (await db.get<{ id: string; to_address: string; text_body: string }>('SELECT id, to_address, text_body FROM mail_messages WHERE id = ?', [nordicReminder!.mailIds[0]!]))!;
    expect(mail.to_address).toBe('qa-desk@nordic-med.example');
    expect(mailText(db, mail)).toContain(`it is due by ${late.response_deadline.slice(0, 10)} ${late.response_deadline.slice(11, 16)} UTC`);
  });

  it('adding lots to a consignee that has its notice sends that notice again naming the lots, never a second notice', async () => {
    const before = (await notice(rhein))!;
    const mailsBefore = await count("SELECT COUNT(*) AS n FROM mail_messages WHERE entity_type = 'recall_notice' AND entity_id = ?", [before.id]);
    const res = await post(as.qa, `/recalls/${recallId}?/addConsignee`, addLine(rhein, 'W2', 3));
    const page = await html(res);
    expect(res.status).toBe(200);
    expect(testId(page, 'consignee-added')).toBe('Rhein Medical Distribution GmbH was added to its notice (units: 3); the notice went out again naming the added lots.');
    expect(await count('SELECT COUNT(*) AS n FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, rhein])).toBe(1);
    expect(await notice(rhein)).toEqual(before);
    const mails = withMailText(
      db,
      await db.all<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE entity_type = 'recall_notice' AND entity_id = ? ORDER BY created_at, rowid", [before.id]),
    );
    expect(mails).toHaveLength(mailsBefore + 1);
    expect(mails.at(-1)!.text_body).toContain('UPDATE: the following affected lots were added to your notice of this recall. Please include them in your reply:\n- GTIN 09506000134352, lot W2: 3 units');
    expect(mails.at(-1)!.text_body).toContain(`Please reply by ${before.response_deadline.slice(0, 10)}`);
    const event = await db.get<{ payload: string }>("SELECT payload FROM outbox WHERE event_type = 'recall.notice_sent' AND organisation_id = ? ORDER BY position DESC LIMIT 1", [rhein]);
    expect(JSON.parse(event!.payload)).toMatchObject({ noticeId: before.id, lots: [{ lot: 'W1', quantityShipped: 30 }, { lot: 'W2', quantityShipped: 3 }] });
  });

  it('lets the AS2-only distributor reply through the link in its PDF once QA gives it a recall contact', async () => {
    const opened = await as.anonymous.get(`/notices/${alpenToken}`);
    expect(opened.status).toBe(200);
    expect(await html(opened)).toContain('Ask the manufacturer to add your e-mail address as the recall contact.');
    // Nobody at Alpen has an address Lotbridge knows: the link alone makes no account.
    const stranger = await as.anonymous.postForm(`/notices/${alpenToken}?/claim`, { email: 'recall@alpen-med.example', displayName: 'Urs Keller' });
    expect(stranger.status).toBe(400);
    expect(await html(stranger)).toContain('Choose an address this notice was sent to.');
    // Alpen calls the manufacturer (its contact is on the notice); QA records its recall contact on the recall page.
    const set = await post(as.qa, `/recalls/${recallId}?/setContact`, [
      ['organisationId', alpen],
      ['recallContactEmail', 'recall@alpen-med.example'],
    ]);
    await set.body?.cancel();
    expect(set.status).toBe(200);
    expect(await html(await as.anonymous.get(`/notices/${alpenToken}`))).toContain('recall@alpen-med.example');

    const claim = await as.anonymous.postForm(`/notices/${alpenToken}?/claim`, { email: 'recall@alpen-med.example', displayName: 'Urs Keller' });
    const claimPage = await claim.text();
    expect(claim.status).toBe(200);
    const claimId = /name="claimId" value="(ncl_[a-z2-7]+)"/.exec(claimPage)?.[1];
    expect(claimPage).toContain('We sent a six-digit code to recall@alpen-med.example.');
    const codeMail = (await db.get<{ id: string; to_address: string; text_body: string }>(
      "SELECT id, to_address, text_body FROM mail_messages WHERE purpose = 'recall.notice_claim_code' ORDER BY created_at DESC, rowid DESC LIMIT 1",
    ))!;
    expect(codeMail.to_address).toBe('recall@alpen-med.example');
    const code = /\b(\d{6})\b/.exec(mailText(db, codeMail))![1]!;
    const made = await as.anonymous.postForm(`/notices/${alpenToken}?/verify`, { claimId: claimId!, code, password: 'alpen-recall-2026', confirm: 'alpen-recall-2026' });
    await made.body?.cancel();
    expect(made.status).toBe(303);
    const user = await db.get<{ organisation_id: string; role: string }>(
      'SELECT m.organisation_id, m.role FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = ?',
      ['recall@alpen-med.example'],
    );
    expect(user).toEqual({ organisation_id: alpen, role: 'distributor_user' });

    const alpenUser = new BrowserClient(server.url);
    await signInDirectly(alpenUser, db, 'recall@alpen-med.example');
    expect((await alpenUser.get(`/recalls/${recallId}/reply`)).status).toBe(200);
    const signed = await alpenUser.postForm(`/recalls/${recallId}/reply`, {
      holdsStock: 'yes',
      'lot.0.gtin': gtin,
      'lot.0.lot': 'W1',
      'lot.0.received': '6',
      'lot.0.onHand': '6',
      'lot.0.quarantined': '6',
      'lot.0.returned': '0',
      'lot.0.destroyed': '0',
      'lot.0.corrected': '0',
      actionsCompleted: 'no',
      customersInformed: 'not_applicable',
      signerFunction: 'Head of quality',
      signerPhone: '+41 44 555 0100',
      understood: 'yes',
      password: 'alpen-recall-2026',
    });
    await signed.body?.cancel();
    expect(signed.status).toBe(303);
    expect(row(await html(await as.qa.get(`/recalls/${recallId}`)), alpen)).toContain('data-version="1"');
  });

  it('refuses adding a consignee to a closed recall, and says why', async () => {
    await db.run("UPDATE recalls SET state = 'closed' WHERE id = ?", [recallId]);
    const before = await count('SELECT COUNT(*) AS n FROM recall_consignees');
    const res = await post(as.qa, `/recalls/${recallId}?/addConsignee`, addLine(nordic, 'W1', 1));
    const page = await html(res);
    expect(res.status).toBe(409);
    expect(testId(page, 'add-refused')).toBe('This recall is closed: no consignee can be added.');
    expect(page).not.toContain('data-testid="add-consignee-form"');
    expect(await count('SELECT COUNT(*) AS n FROM recall_consignees')).toBe(before);
  });
});
