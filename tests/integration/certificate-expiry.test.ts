// Certificate expiry tracking on a real SQLite file with the fixed clock moved through the
// reminder thresholds (90, 60, 30 days before and past expiry): exactly the right reminders,
// none twice (reruns, a second process), none for superseded or rejected versions; the
// bilingual mail through a real SMTP server (smtp-server) or kept without one and readable in
// the mail log; the certificate.expiring / .expired events against the catalogue; the grace
// period flag; tenancy of the expiry list. Then the real server: the scheduler reminds at
// start, the portal pages show reminders, and /admin/mail is for administrators only.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { openDb, tuneEmbedded } from '../../shared/db/index.ts';
import { migrate } from '../../shared/db/migrate.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { approveCertificate } from '../../shared/certificates/approve-certificate.ts';
import { rejectCertificate } from '../../shared/certificates/reject-certificate.ts';
import { sendExpiryReminders, type SentReminder } from '../../shared/certificates/send-expiry-reminders.ts';
import { createApiKey } from '../../shared/api-keys/create-api-key.ts';
import { listCertificateExpiry } from '../../shared/certificates/list-certificate-expiry.ts';
import { addDays, utcDay } from '../../shared/certificates/expiry.ts';
import { createMailSender } from '../../shared/mail/mail-sender.ts';
import { listMail } from '../../shared/mail/list-mail.ts';
import { createLogger } from '../../shared/log.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { migrationsDir, testDatabase, type TestDatabase } from '../support/database.ts';
import { startServer, tempDir, type RunningServer } from '../support/server.ts';
import { BrowserClient, ensurePortalBuilt, signedInClients } from '../support/portal.ts';
import { actorFor } from '../support/actors.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp.ts';
import { quotedPrintable, withMailText } from '../support/mail.ts';
import { refusal } from '../support/refusal.ts';
import { demo } from '../support/demo.ts';
import { submitTestCertificate, testIssuer } from '../support/records.ts';
import { setSubmissionMail } from '../../shared/users/submission-mail-setting.ts';
import { setOrganisationTimeZone } from '../../shared/organisations/set-organisation-time-zone.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const admin = demo('manufacturer_admin');
const distributor = demo('distributor_user');
const colleague = { email: 'li.na@suzhou-precision.example', displayName: '李娜 (Li Na)', password: 'suzhou-colleague-pass' };
const other = { email: 'quality@ningbo-moulding.example', displayName: '陈刚 (Chen Gang)', password: 'ningbo-supplier-pass' };
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const issuer = testIssuer;

/** The demo organisations and users, a second user of the supplier and a second supplier. */
async function seed(ctx: UseCaseContext): Promise<void> {
  await seedDemo(ctx);
  const by = { type: 'system' as const, name: 'certificate expiry test' };
  const supplierOrg = (await ctx.db.get<{ id: string }>("SELECT id FROM organisations WHERE kind = 'supplier'"))!.id;
  await addUser(ctx, by, { ...colleague, role: 'supplier_user', organisationId: supplierOrg });
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
}

/** Submits an ISO 13485 certificate through the real use case; returns its id and series. */
const submit = submitTestCertificate;

/** An encoded-word subject header (=?UTF-8?B?…?= or =?UTF-8?Q?…?=, possibly folded) decoded. */
function decodedSubject(raw: string): string {
  const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)![1]!.replace(/\r\n[ \t]/g, ' ');
  const words = [...header.matchAll(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi)];
  const bytes = words.map(([, enc, text]) =>
    enc!.toUpperCase() === 'B'
      ? Buffer.from(text!, 'base64')
      : Buffer.from(text!.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1'),
  );
  return words.length ? Buffer.concat(bytes).toString('utf8') : header;
}

async function forbidden(p: Promise<unknown>): Promise<void> {
  expect((await refusal(p)).code).toBe('forbidden');
}

describe('certificate expiry reminders (fixed clock)', () => {
  const validTo = '2026-09-30';
  let t: TestDatabase;
  let uploads: { dir: string; remove(): void };
  let as: Record<'supplier' | 'colleague' | 'other' | 'qa' | 'admin' | 'distributor', Actor>;
  let current: { id: string; seriesId: string };
  let superseded: { id: string; seriesId: string };
  let rejected: { id: string };
  let smtp: TestSmtpServer;
  let received: ReceivedMail[];

  const at = (day: string) => t.clock.set(`${day}T09:00:00.000Z`);
  const before = (days: number) => at(addDays(validTo, -days));
  const run = () => sendExpiryReminders(t.ctx);
  const summary = (sent: SentReminder[]) => sent.map((r) => ({ certificateId: r.certificateId, threshold: r.threshold, daysLeft: r.daysLeft, eventType: r.eventType }));

  beforeAll(async () => {
    smtp = await startSmtpServer();
    received = smtp.received;

    t = await testDatabase();
    uploads = tempDir('lotbridge-expiry-uploads-');
    await seed(t.ctx);
    as = {
      supplier: await actorFor(t.db, supplier.email),
      colleague: await actorFor(t.db, colleague.email),
      other: await actorFor(t.db, other.email),
      qa: await actorFor(t.db, qa.email),
      admin: await actorFor(t.db, admin.email),
      distributor: await actorFor(t.db, distributor.email),
    };
    // An API key's technical user is a member of the supplier too, and no person to remind.
    await t.db.run('UPDATE memberships SET administers = 1 WHERE user_id = ?', [as.colleague.userId]);
    await createApiKey(t.ctx, as.colleague, { name: 'ERP export', scopes: ['certificates:read'] });
    await t.db.run('UPDATE memberships SET administers = 0 WHERE user_id = ?', [as.colleague.userId]);
    // The supplier's users turned off the mail about QA's decisions (supplier-mail.test.ts covers
    // it): every mail here is a reminder, and reminders reach them all the same.
    for (const who of [as.supplier, as.colleague]) await setSubmissionMail(t.ctx, who, { on: false });
    const approve = async (c: { id: string; recordHash: string }) =>
      approveCertificate(t.ctx, as.qa, rp, { certificateId: c.id, recordHash: c.recordHash, credential: { password: demoPassword } });

    // The one that must be reminded: approved, valid to 2026-09-30.
    const a = await submit(t.ctx, as.supplier, uploads.dir, { number: 'SX 60123456 0001', validTo });
    await approve(a);
    current = a;
    // Approved with the same expiry, then superseded by an approved renewal valid for years.
    const b1 = await submit(t.ctx, as.supplier, uploads.dir, { number: 'CE 2797-0042', validTo });
    await approve(b1);
    const b2 = await submit(t.ctx, as.supplier, uploads.dir, { number: 'CE 2797-0042', validTo: '2029-09-30', replacesSeriesId: b1.seriesId });
    await approve(b2);
    superseded = b1;
    // Rejected, same expiry.
    const c = await submit(t.ctx, as.supplier, uploads.dir, { number: 'SX 60123456 0002', validTo });
    await rejectCertificate(t.ctx, as.qa, rp, { certificateId: c.id, recordHash: c.recordHash, reason: 'wrong scope', credential: { password: demoPassword } });
    rejected = c;
    expect((await t.db.get<{ state: string }>('SELECT state FROM certificates WHERE id = ?', [b1.id]))!.state).toBe('superseded');
  });

  afterAll(async () => {
    t?.close();
    uploads?.remove();
    await smtp?.close();
  });

  it('sends nothing 91 days before expiry', async () => {
    before(91);
    expect(await run()).toEqual([]);
    expect(await listCertificateExpiry(t.ctx, as.supplier, { graceDays: 30 })).toMatchObject({ suppliers: [] });
  });

  it('sends the 90-day reminder once, to every user of the supplier, in English and 简体中文, delivered over SMTP', async () => {
    before(90);
    const sent = await run();
    expect(summary(sent)).toEqual([{ certificateId: current.id, threshold: 90, daysLeft: 90, eventType: 'certificate.expiring' }]);
    expect(sent[0]!.recipients).toEqual([colleague.email, supplier.email].sort());
    expect(await run()).toEqual([]);

    const mails = withMailText(
      t.db,
      await t.db.all<{ id: string; to_address: string; subject: string; text_body: string; purpose: string; state: string; entity_id: string }>(
        'SELECT id, to_address, subject, text_body, purpose, state, entity_id FROM mail_messages ORDER BY to_address',
      ),
    );
    expect(mails.map((m) => m.to_address)).toEqual([colleague.email, supplier.email].sort());
    for (const m of mails) {
      expect(m).toMatchObject({ purpose: 'certificate.expiry_reminder', state: 'queued', entity_id: current.id });
      expect(m.subject).toBe('Your ISO 13485 certificate SX 60123456 0001 expires in 90 days (2026-09-30) / 您的ISO 13485 证书 SX 60123456 0001 将于 90 天后到期（2026-09-30）');
      const english = m.text_body.indexOf('Please upload a renewed version');
      const chinese = m.text_body.indexOf('请在 Lotbridge 门户中上传更新后的证书版本');
      expect(english).toBeGreaterThan(0);
      expect(chinese).toBeGreaterThan(english);
      for (const part of ['ISO 13485', 'SX 60123456 0001', issuer, '2026-09-30', 'Suzhou Precision Components']) expect(m.text_body).toContain(part);
    }

    const sender = createMailSender({ db: t.db, clock: t.clock, log: createLogger('error'), smtpUrl: smtp.url, from: 'Lotbridge <no-reply@lotbridge.test>' });
    await sender.flush();
    await sender.stop();
    expect(received.map((r) => r.to).flat().sort()).toEqual([colleague.email, supplier.email].sort());
    for (const r of received) {
      const body = quotedPrintable(r.raw);
      expect(body).toContain('expires on 2026-09-30, in 90 days');
      expect(body).toContain('将于 2026-09-30 到期，距今还有 90 天');
      expect(decodedSubject(r.raw)).toContain('将于 90 天后到期');
    }
    expect(await t.db.all("SELECT id FROM mail_messages WHERE state != 'sent'")).toEqual([]);
  });

  it('sends nothing between thresholds, then the 60- and 30-day reminders once each; a second process sends nothing twice', async () => {
    before(75);
    expect(await run()).toEqual([]);
    before(60);
    expect(summary(await run())).toEqual([{ certificateId: current.id, threshold: 60, daysLeft: 60, eventType: 'certificate.expiring' }]);
    expect(await run()).toEqual([]);

    before(30);
    // Two runs at once: both find the reminder due, only the one that claims its row sends it.
    const both = await Promise.all([run(), run()]);
    expect(summary(both.flat())).toEqual([{ certificateId: current.id, threshold: 30, daysLeft: 30, eventType: 'certificate.expiring' }]);
    // Another process on its own connection to the same file finds nothing left to send.
    const second = openDb(t.url);
    try {
      expect(await sendExpiryReminders({ ...t.ctx, db: second })).toEqual([]);
    } finally {
      second.close();
    }
    expect(await run()).toEqual([]);
    before(0); // the last valid day: nothing new
    expect(await run()).toEqual([]);
  });

  it('without SMTP the mail is kept, and administrators (only) read it in the mail log', async () => {
    const sender = createMailSender({ db: t.db, clock: t.clock, log: createLogger('error'), from: 'x@lotbridge.test' });
    await sender.flush();
    await sender.stop();
    const kept = await listMail(t.ctx, as.admin, { state: 'kept' });
    expect(kept.total).toBe(4); // 60 and 30 days, two users each
    expect(kept.items.map((m) => m.subject).every((s) => /expires in (60|30) days/.test(s) && /将于 (60|30) 天后到期/.test(s))).toBe(true);
    expect(kept.items[0]!.subject).toContain('30 days'); // newest first
    expect(kept.items[0]!.text).toContain('请在 Lotbridge 门户中上传更新后的证书版本');
    expect((await listMail(t.ctx, as.admin, { state: 'sent' })).total).toBe(2);
    const paged = await listMail(t.ctx, as.admin, { pageSize: 4, page: 2 });
    expect(paged).toMatchObject({ total: 6, pages: 2, page: 2 });
    expect(paged.items.map((m) => m.state)).toEqual(['sent', 'sent']);
    for (const who of ['qa', 'supplier', 'distributor'] as const) await forbidden(listMail(t.ctx, as[who]));
  });

  it('sends the expiry reminder once valid_to has ended where the supplier is (in Shanghai: at 16:00 UTC that day), once', async () => {
    const supplierOrg = (await t.db.get<{ organisation_id: string }>('SELECT organisation_id FROM certificates WHERE id = ?', [current.id]))!.organisation_id;
    await setOrganisationTimeZone(t.ctx, as.admin, { organisationId: supplierOrg, timeZone: 'Asia/Shanghai' });
    t.clock.set(`${validTo}T15:59:00.000Z`); // 23:59 on the last valid day in Shanghai
    expect(await run()).toEqual([]);
    t.clock.set(`${validTo}T16:00:00.000Z`); // 00:00 the next day in Shanghai, still the last day in UTC
    const sent = await run();
    expect(summary(sent)).toEqual([{ certificateId: current.id, threshold: 0, daysLeft: -1, eventType: 'certificate.expired' }]);
    expect(await t.db.get<{ subject: string }>("SELECT subject FROM mail_messages WHERE state = 'queued' LIMIT 1")).toEqual({
      subject: 'Your ISO 13485 certificate SX 60123456 0001 expired on 2026-09-30 / 您的ISO 13485 证书 SX 60123456 0001 已于 2026-09-30 到期',
    });
    expect(await run()).toEqual([]);
    before(-200);
    expect(await run()).toEqual([]);
    await setOrganisationTimeZone(t.ctx, as.admin, { organisationId: supplierOrg, timeZone: 'UTC' });
  });

  it('never reminded the superseded or the rejected version; every reminder is recorded, audited and announced', async () => {
    const reminders = await t.db.all<{ certificate_id: string; threshold: number; recipients: number }>(
      'SELECT certificate_id, threshold, recipients FROM certificate_reminders ORDER BY sent_at',
    );
    expect(reminders).toEqual([90, 60, 30, 0].map((threshold) => ({ certificate_id: current.id, threshold, recipients: 2 })));
    for (const id of [superseded.id, rejected.id]) {
      expect(await t.db.all('SELECT id FROM mail_messages WHERE entity_id = ?', [id])).toEqual([]);
    }
    await expect(
      t.db.run("INSERT INTO certificate_reminders (id, certificate_id, organisation_id, threshold, valid_to, days_left, recipients, sent_at) SELECT 'dup', certificate_id, organisation_id, 30, valid_to, 30, 0, sent_at FROM certificate_reminders LIMIT 1"),
    ).rejects.toThrow(/UNIQUE/);

    const audit = await t.db.all<{ actor_type: string; actor_name: string; entity_id: string; new_values: string }>(
      "SELECT actor_type, actor_name, entity_id, new_values FROM audit_log WHERE action = 'certificate.expiry_reminder' ORDER BY seq",
    );
    expect(audit.map((a) => [a.actor_type, a.entity_id, (JSON.parse(a.new_values) as { threshold: number }).threshold])).toEqual(
      [90, 60, 30, 0].map((threshold) => ['system', current.id, threshold]),
    );
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    const events = await t.db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type IN ('certificate.expiring', 'certificate.expired') ORDER BY position",
    );
    const validated = events.map((e) => validateEvent(JSON.parse(webhookBody(e)), 'outbound'));
    expect(validated.map((e) => [e.type, e.data.certificateId, e.data.threshold ?? e.data.daysOverdue])).toEqual([
      ['certificate.expiring', current.id, 90],
      ['certificate.expiring', current.id, 60],
      ['certificate.expiring', current.id, 30],
      ['certificate.expired', current.id, 1],
    ]);
    expect(validated.every((e) => (e.data.aggregate as { id: string }).id === current.seriesId)).toBe(true);
  });

  it('flags the supplier only after CERTIFICATE_GRACE_DAYS past expiry', async () => {
    const graceDays = loadConfig({}).certificates.graceDays;
    expect(graceDays).toBe(30);
    at(addDays(validTo, 30));
    let list = await listCertificateExpiry(t.ctx, as.qa, { graceDays });
    expect(list.suppliers).toHaveLength(1);
    expect(list.suppliers[0]).toMatchObject({ name: 'Suzhou Precision Components Co., Ltd.', expired: 1, expiring: 0, flagged: false });
    expect(list.suppliers[0]!.certificates).toEqual([expect.objectContaining({ id: current.id, daysLeft: -30, expired: true, pastGrace: false })]);

    at(addDays(validTo, 31));
    list = await listCertificateExpiry(t.ctx, as.qa, { graceDays });
    expect(list.suppliers[0]).toMatchObject({ flagged: true });
    expect(list.suppliers[0]!.certificates[0]).toMatchObject({ daysLeft: -31, pastGrace: true });

    // A shorter grace period from the configuration flags sooner.
    const short = loadConfig({ CERTIFICATE_GRACE_DAYS: '10' }).certificates.graceDays;
    at(addDays(validTo, 10));
    expect((await listCertificateExpiry(t.ctx, as.admin, { graceDays: short })).suppliers[0]!.flagged).toBe(false);
    at(addDays(validTo, 11));
    expect((await listCertificateExpiry(t.ctx, as.admin, { graceDays: short })).suppliers[0]!.flagged).toBe(true);
    for (const bad of ['-1', 'ten', '366']) expect(() => loadConfig({ CERTIFICATE_GRACE_DAYS: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ CERTIFICATE_GRACE_DAYS: 'ten' })).toThrow(/CERTIFICATE_GRACE_DAYS/);
  });

  it("shows a supplier its own expiring certificates and nobody else's", async () => {
    before(20);
    const own = await listCertificateExpiry(t.ctx, as.supplier, { graceDays: 30 });
    expect(own.suppliers.map((s) => s.organisationId)).toEqual([as.supplier.organisationId]);
    expect(own.suppliers[0]!.certificates.map((c) => [c.id, c.daysLeft])).toEqual([[current.id, 20]]);
    expect((await listCertificateExpiry(t.ctx, as.other, { graceDays: 30 })).suppliers).toEqual([]);
    await forbidden(listCertificateExpiry(t.ctx, as.distributor, { graceDays: 30 }));
  });
});

describe('certificate expiry in the running server', () => {
  const today = utcDay(new Date());
  const soon = addDays(today, 20);
  let server: RunningServer;
  let db: Db;
  let dir: { dir: string; remove(): void };
  let expiringId: string;
  const as: Record<'supplier' | 'other' | 'qa' | 'admin' | 'distributor', BrowserClient> = {} as never;

  beforeAll(async () => {
    // A database prepared before the server starts, holding a certificate 20 days from expiry:
    // the scheduler must remind at start.
    dir = tempDir('lotbridge-expiry-server-');
    const url = `file:${join(dir.dir, 'lotbridge.db')}`;
    const prep = openDb(url);
    await tuneEmbedded(prep, url);
    await migrate(prep, migrationsDir);
    const ctx: UseCaseContext = { db: prep, clock: systemClock, policy: defaultPolicy };
    await seed(ctx);
    const c = await submit(ctx, await actorFor(prep, supplier.email), join(dir.dir, 'uploads'), { number: 'SX 77000001', validTo: soon });
    await approveCertificate(ctx, await actorFor(prep, qa.email), rp, { certificateId: c.id, recordHash: c.recordHash, credential: { password: demoPassword } });
    expiringId = c.id;
    prep.close();

    await ensurePortalBuilt();
    server = await startServer({ UPLOAD_DIR: join(dir.dir, 'uploads') }, { databaseUrl: url });
    db = openDb(url);
    const emails = { supplier: supplier.email, other: other.email, qa: qa.email, admin: admin.email, distributor: distributor.email };
    Object.assign(as, await signedInClients(server, db, emails));
  });

  afterAll(async () => {
    await server?.stop();
    db?.close();
    dir?.remove();
  });

  async function page(client: BrowserClient, path: string): Promise<{ status: number; html: string }> {
    const res = await client.get(path);
    return { status: res.status, html: (await res.text()).replace(/<!--[\s\S]*?-->/g, '') };
  }

  it('reminds at start: the 30-day reminder is kept (no SMTP) and readable in /admin/mail', async () => {
    const deadline = Date.now() + 10_000;
    let kept: { subject: string; to_address: string }[] = [];
    while (Date.now() < deadline) {
      kept = await db.all("SELECT subject, to_address FROM mail_messages WHERE state = 'kept' AND entity_id = ? AND purpose = 'certificate.expiry_reminder'", [expiringId]);
      if (kept.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(kept.map((m) => m.to_address).sort()).toEqual([colleague.email, supplier.email].sort());
    expect(kept[0]!.subject).toContain('expires in 20 days');

    const log = await page(as.admin, '/admin/mail?state=kept');
    expect(log.status).toBe(200);
    expect(log.html).toContain('Your ISO 13485 certificate SX 77000001 expires in 20 days');
    expect(log.html).toContain('<details>');
    expect(log.html).toContain('将于 20 天后到期');
  });

  it('refuses /admin/mail to everyone but manufacturer administrators', async () => {
    for (const who of ['supplier', 'qa', 'distributor', 'other'] as const) {
      const res = await as[who].get('/admin/mail');
      await res.body?.cancel();
      expect(res.status, who).toBe(403);
    }
    const anonymous = await new BrowserClient(server.url).get('/admin/mail');
    await anonymous.body?.cancel();
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });

  it("shows the supplier its reminder on /home and /certificates/expiry, QA every supplier, and another supplier nothing of it", async () => {
    const home = await page(as.supplier, '/home');
    expect(home.status).toBe(200);
    // The home page's work list names it under the certificates expiring, linked to the expiry list.
    expect(home.html).toMatch(/data-kind="certificatesExpiring"[\s\S]*>1<\/span>[\s\S]*Certificates expiring or expired[\s\S]*SX 77000001/);

    const own = await page(as.supplier, '/certificates/expiry');
    expect(own.status).toBe(200);
    expect(own.html).toContain('SX 77000001');
    expect(own.html).toContain('expires in 20 days');

    const staff = await page(as.qa, '/certificates/expiry');
    expect(staff.status).toBe(200);
    expect(staff.html).toContain('Suzhou Precision Components Co., Ltd.');
    expect(staff.html).toContain('SX 77000001');
    expect(staff.html).not.toContain('data-testid="flagged"');
    // Expiring, not expired: not on QA's work list of suppliers with an expired certificate.
    expect((await page(as.qa, '/home')).html).not.toContain('data-kind="suppliersExpired"');

    const stranger = await page(as.other, '/certificates/expiry');
    expect(stranger.status).toBe(200);
    expect(stranger.html).not.toContain('SX 77000001');
    expect(stranger.html).not.toContain('Suzhou Precision');
    expect((await page(as.other, '/home')).html).not.toContain('SX 77000001');

    expect((await page(as.distributor, '/certificates/expiry')).status).toBe(403);
  });
});
