// Suppliers are told by mail what happened to their submissions, against the real server, its
// SQLite file and a real SMTP server on loopback: QA approving or rejecting a certificate (portal
// form, password signature) and accounts payable disputing or paying an invoice (signed ERP
// webhook) each mail every user of THAT supplier who keeps the setting on, in the language the
// user last chose, and nobody who turned it off, nobody of another organisation. The mail is
// queued in the transaction of the change. Turning the setting off on the account page is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { translate } from '../../shared/i18n/index.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { BrowserClient, demoIds, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { postErpEvent } from '../support/erp.ts';
import { pdfBytes, postMultipart } from '../support/uploads.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { decodedBody } from '../support/mail.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const distributor = demo('distributor_user');
const erpSecret = `whsec_${Buffer.from('supplier-mail-test-secret-32-bytes!').toString('base64')}`;
/** Users of the demo supplier besides its demo user: one reads Chinese, one turned the mails off, one is disabled. */
const colleague = { email: 'li.na@suzhou-precision.example', displayName: '李娜 (Li Na)', password: 'colleague-pass-2026' };
const optedOut = { email: 'no.mail@suzhou-precision.example', displayName: 'Zhou Wei', password: 'opted-out-pass-2026' };
const disabled = { email: 'left@suzhou-precision.example', displayName: 'Former Colleague', password: 'disabled-pass-2026' };
/** A user of another supplier, whose submissions these are not. */
const stranger = { email: 'quality@ningbo-mail.example', displayName: 'Chen Gang', password: 'ningbo-mail-pass-2026' };

const purposes = ['certificate.approved', 'certificate.rejected', 'invoice.disputed', 'invoice.paid'];

describe('mail about a supplier’s submissions', () => {
  let server: RunningServer;
  let smtp: TestSmtpServer;
  let uploads: { dir: string; remove(): void };
  let db: Db;
  let ctx: UseCaseContext;
  let supplierOrgId: string;
  const as: Record<'supplier' | 'colleague' | 'optedOut' | 'qa' | 'distributor', BrowserClient> = {} as never;

  /** Waits until the server's mail sender has handed every queued message of these purposes to the SMTP server. */
  async function delivered(): Promise<void> {
    for (;;) {
      const waiting = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM mail_messages WHERE state = 'queued' AND purpose IN (${purposes.map(() => '?').join(', ')})`, purposes);
      if (waiting!.n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** What the SMTP server got since `from`: recipient → decoded text. */
  const receivedSince = (from: number) => smtp.received.slice(from).map((m) => ({ to: m.to, raw: m.raw, text: decodedBody(m.raw) }));

  async function submitCertificate(number: string): Promise<{ id: string; recordHash: string }> {
    const res = await postMultipart(
      as.supplier,
      '/certificates?/submit',
      { type: 'iso13485', number, issuer: 'TÜV SÜD Product Service GmbH (0123)', scope: 'Precision-moulded components', gtins: '', lots: '', validFrom: '2026-03-01', validTo: '2029-02-28' },
      { name: `${number}.pdf`, bytes: await pdfBytes(number) },
    );
    expect(res.status, (await res.text()).slice(0, 500)).toBe(303);
    const id = /^\/certificates\/(cer_[a-z2-7]+)\?submitted=1$/.exec(res.headers.get('location') ?? '')![1]!;
    const row = await db.get<{ record_hash: string }>('SELECT record_hash FROM certificates WHERE id = ?', [id]);
    return { id, recordHash: row!.record_hash };
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    uploads = tempDir('lotbridge-uploads-');
    server = await startBuiltServer({ SMTP_URL: smtp.url, ERP_INBOUND_SECRET: erpSecret, UPLOAD_DIR: uploads.dir });
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    const ids = await demoIds(db);
    supplierOrgId = ids.org.supplier.id;
    const by = { type: 'system' as const, name: 'supplier mail test' };
    for (const u of [colleague, optedOut, disabled]) await addUser(ctx, by, { ...u, role: 'supplier_user', organisationId: supplierOrgId });
    await db.run("UPDATE users SET disabled_at = '2026-03-01T00:00:00.000Z' WHERE email = ?", [disabled.email]);
    const ningbo = (await createOrganisation(ctx, by, { name: 'Ningbo Mail Moulding Ltd.', kind: 'supplier', erpId: 'V-MAIL-2' })).id;
    await addUser(ctx, by, { ...stranger, role: 'supplier_user', organisationId: ningbo });
    Object.assign(as, await signedInClients(server, db, { supplier: supplier.email, colleague: colleague.email, optedOut: optedOut.email, qa: qa.email, distributor: distributor.email }));
    // The colleague reads Lotbridge in Chinese: the choice is remembered for the mails to her.
    await as.colleague.postForm('/lang', { lang: 'zh-CN', redirectTo: '/home' });
    // The other supplier's user signs in on a browser that reads Chinese: remembered at sign-in.
    const strangerBrowser = new BrowserClient(server.url);
    strangerBrowser.cookies.set('lang', 'zh-CN');
    await strangerBrowser.signInOrThrow(stranger.email, stranger.password);
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
    await smtp?.close();
    uploads?.remove();
  });

  describe('the setting on the account page', () => {
    it('is on by default and turned off by the user, audited once per change', async () => {
      const page = await markup(await as.optedOut.get('/account'));
      expect(page).toMatch(/<input id="submission-mail" type="checkbox" name="submissionMail"[^>]*checked/);
      const off = await as.optedOut.postForm('/account?/submissionMail', {});
      expect(off.status).toBe(200);
      expect(await markup(off)).toContain('Saved: you will no longer be mailed about your submissions.');
      // Saving the same choice again changes nothing and is not audited again.
      await (await as.optedOut.postForm('/account?/submissionMail', {})).body?.cancel();
      const user = await db.get<{ id: string; submission_mail: number }>('SELECT id, submission_mail FROM users WHERE email = ?', [optedOut.email]);
      expect(user!.submission_mail).toBe(0);
      const audit = await db.all<{ actor_id: string; organisation_id: string; entity_type: string; entity_id: string; old_values: string; new_values: string }>(
        "SELECT actor_id, organisation_id, entity_type, entity_id, old_values, new_values FROM audit_log WHERE action = 'user.submission_mail_set'",
      );
      expect(audit).toEqual([
        { actor_id: user!.id, organisation_id: supplierOrgId, entity_type: 'user', entity_id: user!.id, old_values: '{"submissionMail":true}', new_values: '{"submissionMail":false}' },
      ]);
      expect(await markup(await as.optedOut.get('/account'))).not.toMatch(/name="submissionMail"[^>]*checked/);
    });

    it('turns back on, audited', async () => {
      await (await as.optedOut.postForm('/account?/submissionMail', { submissionMail: 'on' })).body?.cancel();
      expect((await db.get<{ n: number }>('SELECT submission_mail AS n FROM users WHERE email = ?', [optedOut.email]))!.n).toBe(1);
      await (await as.optedOut.postForm('/account?/submissionMail', {})).body?.cancel();
      const changes = await db.all<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'user.submission_mail_set' ORDER BY seq");
      expect(changes.map((c) => JSON.parse(c.new_values).submissionMail)).toEqual([false, true, false]);
    });

    it('is not offered to, and refused for, users who are not a supplier’s', async () => {
      expect(await markup(await as.distributor.get('/account'))).not.toContain('name="submissionMail"');
      const res = await as.distributor.postForm('/account?/submissionMail', {});
      expect(res.status).toBe(403);
      const anonymous = await new BrowserClient(server.url).postForm('/account?/submissionMail', { submissionMail: 'on' });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toContain('/login');
      expect((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.submission_mail_set'"))!.n).toBe(3);
    });
  });

  describe('each event mails the supplier’s opted-in users only', () => {
    const optedIn = [colleague.email, supplier.email].sort();
    const recipients = (mails: ReturnType<typeof receivedSince>) => mails.flatMap((m) => m.to).sort();

    it('certificate approved', async () => {
      const cert = await submitCertificate('MAIL-CERT-1');
      const before = smtp.received.length;
      const res = await as.qa.postForm(`/certificates/${cert.id}?/approve`, { recordHash: cert.recordHash, password: demoPassword });
      expect(res.status).toBe(200);
      // Queued with the decision: the same commit wrote both.
      const queued = await db.all<{ to_address: string; purpose: string; locale: string; entity_id: string; organisation_id: string }>(
        "SELECT to_address, purpose, locale, entity_id, organisation_id FROM mail_messages WHERE purpose = 'certificate.approved' ORDER BY to_address",
      );
      expect(queued).toEqual([
        { to_address: colleague.email, purpose: 'certificate.approved', locale: 'zh-CN', entity_id: cert.id, organisation_id: supplierOrgId },
        { to_address: supplier.email, purpose: 'certificate.approved', locale: 'en', entity_id: cert.id, organisation_id: supplierOrgId },
      ]);
      await delivered();
      const mails = receivedSince(before);
      expect(recipients(mails)).toEqual(optedIn);
      const english = mails.find((m) => m.to.includes(supplier.email))!;
      expect(english.text).toContain('Your ISO 13485 certificate MAIL-CERT-1 (version 1) was approved by Meridian Medical Devices Inc.');
      expect(english.text).toContain(`${server.url}/certificates/${cert.id}`);
      expect(english.text).toContain(`${server.url}/account`);
      const chinese = mails.find((m) => m.to.includes(colleague.email))!;
      expect(chinese.text).toContain(`您的${translate('zh-CN', 'mail.kind.iso13485')} MAIL-CERT-1（第 1 版）已于`);
      expect(chinese.text).not.toContain('was approved');
    });

    it('certificate rejected, with the reason', async () => {
      const cert = await submitCertificate('MAIL-CERT-2');
      const before = smtp.received.length;
      const res = await as.qa.postForm(`/certificates/${cert.id}?/reject`, { recordHash: cert.recordHash, reason: 'The scope does not cover moulding.', password: demoPassword });
      expect(res.status).toBe(200);
      await delivered();
      const mails = receivedSince(before);
      expect(recipients(mails)).toEqual(optedIn);
      expect(mails.find((m) => m.to.includes(supplier.email))!.text).toContain('Reason: The scope does not cover moulding.');
    });

    it('invoice disputed and invoice paid', async () => {
      const before = smtp.received.length;
      const post = (status: Record<string, string>, invoiceNumber = 'MAIL-INV-1', erpId = 'V-10001') =>
        postErpEvent(server, erpSecret, 'invoice.status_changed', { invoiceNumber, supplier: { erpId }, occurredAt: '2026-03-20T09:58:12Z', ...status });
      expect((await post({ status: 'disputed', reason: 'Quantity differs from the goods receipt.' })).status).toBe(200);
      expect((await post({ status: 'paid', paidOn: '2026-04-01' })).status).toBe(200);
      // Statuses that are no news to the supplier, and another supplier's invoice, mail nobody of this supplier.
      expect((await post({ status: 'matched' })).status).toBe(200);
      await delivered();
      const mails = receivedSince(before);
      const disputed = mails.filter((m) => /disputed your invoice MAIL-INV-1|对您的发票 MAIL-INV-1 提出异议/.test(m.text));
      expect(recipients(disputed)).toEqual(optedIn);
      expect(disputed.find((m) => m.to.includes(supplier.email))!.text).toContain('Accounts payable disputed your invoice MAIL-INV-1 on 2026-03-20 09:58 (UTC).');
      expect(disputed.find((m) => m.to.includes(supplier.email))!.text).toContain('Reason: Quantity differs from the goods receipt.');
      const paid = mails.filter((m) => /paid your invoice MAIL-INV-1|支付您的发票 MAIL-INV-1/.test(m.text));
      expect(recipients(paid)).toEqual(optedIn);
      expect(paid.find((m) => m.to.includes(supplier.email))!.text).toContain('Accounts payable paid your invoice MAIL-INV-1 on 2026-04-01.');
      expect(paid.find((m) => m.to.includes(colleague.email))!.text).toContain('应付账款部门已于 2026-04-01 支付您的发票 MAIL-INV-1。');
      expect(mails).toHaveLength(4);
    });

    it('another supplier’s events mail only that supplier’s users', async () => {
      const before = smtp.received.length;
      expect(
        (await postErpEvent(server, erpSecret, 'invoice.status_changed', { invoiceNumber: 'NB-INV-9', supplier: { erpId: 'V-MAIL-2' }, occurredAt: '2026-03-21T10:00:00Z', status: 'paid', paidOn: '2026-04-02' }))
          .status,
      ).toBe(200);
      await delivered();
      const mails = receivedSince(before);
      expect(recipients(mails)).toEqual([stranger.email]);
      expect(mails[0]!.text).toContain('应付账款部门已于 2026-04-02 支付您的发票 NB-INV-9。');
    });

    it('never went to the opted-out, the disabled or another organisation', async () => {
      const all = await db.all<{ to_address: string }>(`SELECT DISTINCT to_address FROM mail_messages WHERE purpose IN (${purposes.map(() => '?').join(', ')})`, purposes);
      expect(all.map((r) => r.to_address).sort()).toEqual([colleague.email, stranger.email, supplier.email].sort());
      expect(smtp.received.flatMap((m) => m.to)).not.toContain(optedOut.email);
      expect(smtp.received.flatMap((m) => m.to)).not.toContain(disabled.email);
    });

    it('names each purpose in words in the mail log', async () => {
      const page = await markup(await (await signedInClients(server, db, { admin: demo('manufacturer_admin').email })).admin.get('/admin/mail'));
      for (const p of purposes) expect(page).toContain(`>${translate('en', `mailLog.purpose.${p}` as never)}<`);
      expect(page).not.toMatch(/>certificate\.approved<|>invoice\.paid</);
    });
  });
});
