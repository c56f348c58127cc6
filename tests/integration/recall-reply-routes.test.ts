// The distributor's side of a recall over the real server, and who may reach it: the notice
// link opens the notice and its PDF without an account (refused when forged or expired, not
// counted when the manufacturer's staff open it) and makes an account for a recipient only
// through a one-time code mailed to the notice's address (never from the link alone); the
// token is in neither the access log nor /admin/mail; the
// reply page takes a signed reply through the plain form (refusals translated and put next to
// their fields); the receipt and notice PDFs go to the distributor and the manufacturer's
// staff only. Another distributor, a supplier and an anonymous visitor are refused on every
// route. Recall contacts are set by the distributor itself or by QA, by nobody else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { actorFor } from '../support/actors.ts';
import { mailText, withMailText } from '../support/mail.ts';

const infusionSet = '09506000134352';

describe('recall reply routes', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let recallId: string;
  let token: string;
  let rhein: string;
  let alpen: string;
  const as: Record<'qa' | 'admin' | 'distributor' | 'alpen' | 'supplier' | 'anonymous', BrowserClient> = {} as never;

  beforeAll(async () => {
    // Info level: one test reads the access log for the notice token.
    server = await startBuiltServer({ LOG_LEVEL: 'debug' }); // request lines are written at debug
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    alpen = (await createOrganisation(ctx, { type: 'system', name: 'test' }, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-20002' })).id;
    await addUser(ctx, { type: 'system', name: 'test' }, { email: 'user@alpen-med.example', displayName: 'Heidi Frei', password: 'alpen-user-password', organisationId: alpen, role: 'distributor_user' });
    const emails = { qa: 'qa@meridian-medical.example', admin: 'admin@meridian-medical.example', distributor: 'distributor@rhein-medical.example', alpen: 'user@alpen-med.example', supplier: 'supplier@suzhou-precision.example' };
    for (const [who, email] of Object.entries(emails) as [keyof typeof emails, string][]) {
      as[who] = new BrowserClient(server.url);
      await signInDirectly(as[who], db, email);
    }
    as.anonymous = new BrowserClient(server.url);

    const now = new Date();
    const send = async (id: string, type: string, data: unknown) =>
      (await receiveErpEvent(ctx, { webhookId: id, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as { recall: string };
    await send('msg_rrr_1', 'shipment.dispatched', {
      shipmentNumber: 'SH-RRR-1',
      distributor: { erpId: 'C-20001' },
      dispatchedAt: '2026-02-10T08:00:00Z',
      lines: [
        { gtin: infusionSet, lot: 'L-1', quantity: 50 },
        { gtin: infusionSet, lot: 'L-2', quantity: 10 },
      ],
    });
    recallId = (
      await send('msg_rrr_2', 'recall.issued', {
        recallNumber: 'FSCA-RRR-1',
        issuedAt: now.toISOString(),
        reason: 'Roller clamp may leak',
        hazard: 'Under-infusion',
        products: [{ gtin: infusionSet, lots: ['L-1', 'L-2'] }],
        responseDeadline: new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10),
      })
    ).recall;
    // The recall contact has no account yet: the link must lead to one.
    await db.run("UPDATE organisations SET recall_contact_email = 'recall@rhein-medical.example' WHERE id = ?", [rhein]);
    await sendRecallNotices(ctx, await actorFor(db, emails.qa), { recallId, portalUrl: server.url });
    const notice = (await db.get<{ id: string; link_expires_at: string }>('SELECT id, link_expires_at FROM recall_notices WHERE recall_id = ?', [recallId]))!;
    token = await signNoticeToken(db, notice.id, notice.link_expires_at);
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  const opens = async () => (await db.get<{ open_count: number }>('SELECT open_count FROM recall_notices WHERE recall_id = ?', [recallId]))!.open_count;

  it('the link opens the notice and its PDF without an account; staff opening it are not counted', async () => {
    const page = await as.anonymous.get(`/notices/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('FSCA-RRR-1');
    expect(html).toContain('L-2');
    expect(html).toContain('recall@rhein-medical.example');
    expect(await opens()).toBe(1);
    const pdf = await as.anonymous.get(`/notices/${token}/notice.pdf?lang=zh-CN`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain('field-safety-notice-FSCA-RRR-1-zh-CN.pdf');
    await pdf.arrayBuffer();
    await (await as.qa.get(`/notices/${token}`)).text();
    expect(await opens()).toBe(1);
  });

  it('a forged or expired link is refused with its reason, and so is its PDF', async () => {
    const [id, exp, mac] = token.split('.') as [string, string, string];
    const forged = await as.anonymous.get(`/notices/${id}.${Number(exp) + 60}.${mac}`);
    expect(forged.status).toBe(404);
    expect(await forged.text()).toContain('This link is not valid');
    const expired = await as.anonymous.get(`/notices/${await signNoticeToken(db, id, '2026-01-01T00:00:00.000Z')}`);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('This link has expired');
    const forgedPdf = await as.anonymous.get(`/notices/${id}.${Number(exp) + 60}.${mac}/notice.pdf`);
    expect(forgedPdf.status).toBe(404);
    expect(await forgedPdf.text()).toContain('This link is not valid');
    // Every door words an expired link the same way (not "your role does not allow this").
    const expiredToken = await signNoticeToken(db, id, '2026-01-01T00:00:00.000Z');
    const expiredPdf = await as.anonymous.get(`/notices/${expiredToken}/notice.pdf`);
    expect(expiredPdf.status).toBe(403);
    expect(await expiredPdf.text()).toContain('This link has expired');
    const expiredClaim = await as.anonymous.postForm(`/notices/${expiredToken}?/claim`, { email: 'recall@rhein-medical.example', displayName: 'Jonas Weber' });
    expect(expiredClaim.status).toBe(403);
    expect(await expiredClaim.text()).toContain('This link has expired');
  });

  it('the link alone makes no account, whatever is posted with it', async () => {
    // The old flow: link, address, any printed name and a password.
    const old = await as.anonymous.postForm(`/notices/${token}?/claim`, { email: 'recall@rhein-medical.example', displayName: 'Mallory', password: 'rhein-recall-2026', confirm: 'rhein-recall-2026' });
    expect(old.status).not.toBe(303);
    await old.text();
    expect(as.anonymous.cookies.has('lotbridge_session')).toBe(false);
    expect(await db.get("SELECT id FROM users WHERE email = 'recall@rhein-medical.example'")).toBeUndefined();
    expect((await as.anonymous.get(`/recalls/${recallId}/reply`)).status).toBe(303);
  });

  it('a code mailed to the notice address makes the account: wrong codes lock, an expired code is refused, the right one works', async () => {
    const codeMail = async () => {
      const m = (await db.get<{ id: string; to_address: string; text_body: string }>("SELECT id, to_address, text_body FROM mail_messages WHERE purpose = 'recall.notice_claim_code' ORDER BY created_at DESC, rowid DESC LIMIT 1"))!;
      expect(m.to_address).toBe('recall@rhein-medical.example');
      return /\b(\d{6})\b/.exec(mailText(db, m))![1]!;
    };
    const ask = async () => {
      const res = await as.anonymous.postForm(`/notices/${token}?/claim`, { email: 'recall@rhein-medical.example', displayName: 'Jonas Weber' });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('We sent a six-digit code to recall@rhein-medical.example.');
      return /name="claimId" value="(ncl_[a-z2-7]+)"/.exec(html)![1]!;
    };
    const verify = (claimId: string, code: string) =>
      as.anonymous.postForm(`/notices/${token}?/verify`, { claimId, email: 'recall@rhein-medical.example', displayName: 'Jonas Weber', code, password: 'rhein-recall-2026', confirm: 'rhein-recall-2026' });

    // A forged link asks for nothing and verifies nothing; an unknown claim is not found.
    const [id, exp, mac] = token.split('.') as [string, string, string];
    const forged = `${id}.${Number(exp) + 60}.${mac}`;
    expect((await as.anonymous.postForm(`/notices/${forged}?/claim`, { email: 'recall@rhein-medical.example', displayName: 'X' })).status).toBe(404);
    expect((await as.anonymous.postForm(`/notices/${forged}?/verify`, { claimId: 'ncl_x', code: '123456', password: 'long-enough-pass', confirm: 'long-enough-pass' })).status).toBe(404);
    const unknown = await as.anonymous.postForm(`/notices/${token}?/verify`, { claimId: 'ncl_x', code: '123456', password: 'long-enough-pass', confirm: 'long-enough-pass' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Ask for a code first.');

    const stranger = await as.anonymous.postForm(`/notices/${token}?/claim`, { email: 'someone@else.example', displayName: 'X' });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('Choose an address this notice was sent to.');

    const first = await ask();
    const right = await codeMail();
    const wrong = right === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) {
      const res = await verify(first, wrong);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(`This is not the code. Tries left: ${left}.`);
    }
    const locked = await verify(first, wrong);
    expect(locked.status).toBe(403);
    expect(await locked.text()).toContain('Too many wrong codes');
    expect((await verify(first, right)).status).toBe(403);

    const second = await ask();
    const late = await codeMail();
    await db.run("UPDATE notice_claims SET expires_at = '2026-01-01T00:00:00.000Z' WHERE id = ?", [second]);
    const expired = await verify(second, late);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('This code has expired.');
    expect(await db.get("SELECT id FROM users WHERE email = 'recall@rhein-medical.example'")).toBeUndefined();

    const third = await ask();
    const made = await verify(third, await codeMail());
    expect(made.status).toBe(303);
    expect(made.headers.get('location')).toBe(`/recalls/${recallId}/reply`);
    const reply = await as.anonymous.get(`/recalls/${recallId}/reply`);
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain('Jonas Weber');
    const actions = await db.all<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'recall.notice_claim%' ORDER BY seq");
    expect(actions.map((a) => a.action)).toEqual([
      'recall.notice_claim_code_sent', // the old flow's post asked for a code, and made nothing else
      'recall.notice_claim_code_sent',
      ...Array(5).fill('recall.notice_claim_failed'),
      'recall.notice_claim_locked',
      'recall.notice_claim_code_sent',
      'recall.notice_claim_refused',
      'recall.notice_claim_code_sent',
      'recall.notice_claimed',
    ]);
  });

  it('neither the access log nor /admin/mail shows a live notice link or code', async () => {
    expect(server.output()).toContain('"path":"/notices/[redacted]"');
    expect(server.output()).not.toContain(token);
    const codes = withMailText(db, await db.all<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE purpose = 'recall.notice_claim_code'")).map((m) => /\b(\d{6})\b/.exec(m.text_body)![1]!);
    expect(withMailText(db, await db.all<{ id: string; text_body: string }>('SELECT id, text_body FROM mail_messages')).filter((m) => m.text_body.includes(token))).toHaveLength(1);
    const mail = await as.admin.get('/admin/mail');
    expect(mail.status).toBe(200);
    const html = await mail.text();
    expect(html).toContain('/notices/[hidden]');
    expect(html).not.toContain(token);
    expect(html).not.toContain(token.split('.')[2]!);
    for (const code of codes) expect(html).not.toMatch(new RegExp(`\\b${code}\\b`));
  });

  it('the reply form refuses impossible quantities next to their fields, in the reader’s language', async () => {
    const form = {
      holdsStock: 'yes',
      'lot.0.gtin': infusionSet,
      'lot.0.lot': 'L-1',
      'lot.0.received': '50',
      'lot.0.onHand': '20',
      'lot.0.quarantined': '25',
      'lot.0.returned': '0',
      'lot.0.destroyed': '0',
      'lot.1.gtin': infusionSet,
      'lot.1.lot': 'L-2',
      'lot.1.received': '10',
      'lot.1.onHand': '10',
      'lot.1.quarantined': '10',
      'lot.1.returned': '',
      'lot.1.destroyed': '0',
      'lot.0.corrected': '0',
      'lot.1.corrected': '0',
      actionsCompleted: 'no',
      customersInformed: 'not_applicable',
      signerFunction: 'Warehouse manager',
      signerPhone: '+49 221 555 0100',
      understood: 'yes',
      password: demoPassword,
    };
    const refused = await as.distributor.postForm(`/recalls/${recallId}/reply`, form);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('25 quarantined is more than the 20 on hand.');
    expect(html).toContain('Enter a whole number, 0 or more.');
    expect(await db.get('SELECT COUNT(*) AS n FROM recall_acknowledgements')).toEqual({ n: 0 });

    as.distributor.cookies.set('lang', 'zh-CN');
    const zh = await as.distributor.postForm(`/recalls/${recallId}/reply`, form);
    expect(await zh.text()).toContain('已隔离 25 件多于现有 20 件。');
    as.distributor.cookies.delete('lang');

    const signed = await as.distributor.postForm(`/recalls/${recallId}/reply`, { ...form, 'lot.0.quarantined': '20', 'lot.1.returned': '0' });
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe(`/recalls/${recallId}/reply?replied=1`);

    // The signed reply's manifestation (21 CFR 11.50): printed name, date and time with its zone, meaning.
    const { signer_name, signed_at } = (await db.get<{ signer_name: string; signed_at: string }>(
      'SELECT s.signer_name, s.signed_at FROM recall_acknowledgements a JOIN signatures s ON s.id = a.signature_id WHERE a.recall_id = ?',
      [recallId],
    ))!;
    const page = await (await as.distributor.get(`/recalls/${recallId}/reply`)).text();
    expect(page).toContain(`data-testid="signer-name">${signer_name}<`);
    expect(page).toContain(`data-testid="signed-at">${signed_at.slice(0, 10)} ${signed_at.slice(11, 16)} UTC<`);
    expect(page).toContain('data-testid="meaning">Responsibility<');
  });

  it('the receipt and the notice PDF go to the distributor and the manufacturer’s staff only', async () => {
    const ack = (await db.get<{ id: string }>('SELECT id FROM recall_acknowledgements WHERE recall_id = ?', [recallId]))!.id;
    const receipt = `/recalls/${recallId}/replies/${ack}/receipt.pdf`;
    for (const who of ['distributor', 'qa'] as const) {
      const res = await as[who].get(receipt);
      expect(res.status, who).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      await res.arrayBuffer();
    }
    expect((await as.distributor.get(`/recalls/${recallId}/notice.pdf?lang=en`)).status).toBe(200);
    expect((await as.qa.get(`/recalls/${recallId}/notice.pdf?distributor=${rhein}`)).status).toBe(200);
    expect((await as.qa.get(`/recalls/${recallId}/notice.pdf`)).status).toBe(404);
    for (const who of ['alpen', 'supplier'] as const) {
      expect((await as[who].get(receipt)).status, who).toBe(404);
      expect((await as[who].get(`/recalls/${recallId}/notice.pdf`)).status, who).toBe(404);
      expect((await as[who].get(`/recalls/${recallId}/notice.pdf?distributor=${rhein}`)).status, who).toBe(404);
    }
    expect((await as.distributor.get(`/recalls/other-recall/replies/${ack}/receipt.pdf`)).status).toBe(404);
  });

  it('another distributor, a supplier and an anonymous visitor cannot reach the reply page', async () => {
    expect((await as.alpen.get(`/recalls/${recallId}/reply`)).status).toBe(404);
    expect((await as.alpen.postForm(`/recalls/${recallId}/reply`, { holdsStock: 'no', understood: 'yes', password: 'alpen-user-password' })).status).toBe(404);
    expect((await as.supplier.get(`/recalls/${recallId}/reply`)).status).toBe(403);
    const anonymous = new BrowserClient(server.url);
    const res = await anonymous.get(`/recalls/${recallId}/reply`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('/login?redirectTo=');
    expect(await db.get('SELECT COUNT(*) AS n FROM recall_acknowledgements')).toEqual({ n: 1 });
  });

  it('recall contacts are set by the distributor itself or by QA, by nobody else', async () => {
    const own = await as.alpen.postForm(`/organisations/${alpen}?/recallContacts`, { recallContactEmail: 'Recall@Alpen-Med.example', escalationContactEmail: 'ceo@alpen-med.example' });
    expect(own.status).toBe(200);
    expect(await db.get('SELECT recall_contact_email, escalation_contact_email FROM organisations WHERE id = ?', [alpen])).toEqual({
      recall_contact_email: 'recall@alpen-med.example',
      escalation_contact_email: 'ceo@alpen-med.example',
    });
    const bad = await as.alpen.postForm(`/organisations/${alpen}?/recallContacts`, { recallContactEmail: 'not-an-address', escalationContactEmail: '' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="recallContactEmail-problem" data-problem="organisations.badContactEmail">Enter an e-mail address, or leave the field empty.');
    expect((await as.alpen.postForm(`/organisations/${rhein}?/recallContacts`, { recallContactEmail: 'evil@example.com', escalationContactEmail: '' })).status).toBe(404);
    expect((await as.supplier.postForm(`/organisations/${rhein}?/recallContacts`, { recallContactEmail: 'evil@example.com', escalationContactEmail: '' })).status).toBe(404);
    expect(await db.get('SELECT recall_contact_email FROM organisations WHERE id = ?', [rhein])).toEqual({ recall_contact_email: 'recall@rhein-medical.example' });
    const audit = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'organisation.recall_contacts_set'");
    expect(audit!.n).toBe(1);
  });

  it('only QA closes the recall, signed, after seeing what is open (override reason required then); the reply page then says replies are closed', async () => {
    // A distributor's post is refused by the use case, then its page load sends it to its reply page.
    expect((await as.distributor.postForm(`/recalls/${recallId}?/close`, { reason: 'x', password: demoPassword })).status).toBe(303);
    expect((await as.supplier.postForm(`/recalls/${recallId}?/close`, { reason: 'x', password: demoPassword })).status).toBe(404);
    const blank = await as.qa.postForm(`/recalls/${recallId}?/close`, { reason: '', password: demoPassword });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain('Say why the recall is complete');
    expect(await db.get('SELECT state FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'open' });
    // The close form shows what is still open before asking; closing without an override reason is refused with it.
    const page = await (await as.qa.get(`/recalls/${recallId}`)).text();
    expect(page).toMatch(/data-testid="closing-open"[\s\S]*data-problem="recallClosing.sampleNotDrawn"[^>]*>1 of the 1 consignees the effectiveness level asks to check are not drawn yet\./);
    expect(page).toContain('name="overrideReason"');
    const refused = await as.qa.postForm(`/recalls/${recallId}?/close`, { reason: 'All stock returned.', password: demoPassword });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('The recall can be closed when these are settled, or now with an override reason.');
    expect(await db.get('SELECT state FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'open' });
    // A wrong password says the recall was not closed (not "not issued", the create form's words).
    const override = 'Closing on the authority’s instruction.';
    const wrong = await as.qa.postForm(`/recalls/${recallId}?/close`, { reason: 'All stock returned.', overrideReason: override, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The password is wrong: the recall was not closed.');
    expect(await db.get('SELECT state FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'open' });
    const closed = await as.qa.postForm(`/recalls/${recallId}?/close`, { reason: 'All stock returned.', overrideReason: override, password: demoPassword });
    expect(closed.status).toBe(200);
    const audit = await db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'recall.closed' AND entity_id = ?", [recallId]);
    expect(JSON.parse(audit!.new_values)).toMatchObject({ overrideReason: override, open: { consignees: expect.any(Number) } });
    expect(await db.get('SELECT state FROM recalls WHERE id = ?', [recallId])).toEqual({ state: 'closed' });
    expect(await (await as.distributor.get(`/recalls/${recallId}/reply`)).text()).toContain('This recall is closed: no more replies are taken.');
  });
});
