// The home page's work lists (shared/home) against a real SQLite file with the fixed clock: each
// role's counts, its first items (overdue first) and links, with records seeded through the use
// cases (ERP events, submissions, QA decisions, recall notices, replies, follow-ups), and another
// organisation's records never counted. The administrator's failed states are reached only by
// network failures (a partner, an SMTP server, the ERP refusing), so those rows are written directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { approveCertificate } from '../../shared/certificates/approve-certificate.ts';
import { rejectCertificate } from '../../shared/certificates/reject-certificate.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import type { LotInput } from '../../shared/lots/submit-lots.ts';
import { submitInvoice } from '../../shared/invoices/submit-invoice.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { sendRecallFollowUps } from '../../shared/recalls/send-recall-follow-ups.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { signInWithPassword } from '../../shared/auth/sign-in-with-password.ts';
import { createWebhookEndpoint } from '../../shared/webhooks/create-webhook-endpoint.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { supplierWorkList } from '../../shared/home/supplier-work-list.ts';
import { flaggedLot } from '../../shared/lots/list-lots.ts';
import { qaWorkList } from '../../shared/home/qa-work-list.ts';
import { distributorWorkList } from '../../shared/home/distributor-work-list.ts';
import { adminWorkList } from '../../shared/home/admin-work-list.ts';
import type { WorkKind, WorkList } from '../../shared/home/work-list.ts';
import { listLots } from '../../shared/lots/list-lots.ts';
import { listCertificates } from '../../shared/certificates/list-certificates.ts';
import { listRecalls } from '../../shared/recalls/list-recalls.ts';
import { listEdiMessages } from '../../shared/edi/message-log/list-edi-messages.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { invoiceOfLine, submitTestCertificate } from '../support/records.ts';
import { tempDir } from '../support/server.ts';
import { OpensslDir } from '../support/openssl.ts';
import { replyForm } from '../support/reply-form.ts';
import { openTestScar } from '../support/scar-open.ts';
import { submitScarAnswer } from '../../shared/scars/submit-scar-answer.ts';
import { decideScarStep } from '../../shared/scars/decide-scar-step.ts';

const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: 'https://portal.lotbridge.test' };
const portalUrl = rp.origin;
const gtin = '09506000134352';
const recallGtin = '09506000999999';
const graceDays = 30;
const by = { type: 'system' as const, name: 'home work list test' };
const otherSupplier = { email: 'quality@ningbo-moulding.example', displayName: 'Chen Gang', password: 'ningbo-supplier-pass' };
const otherDistributor = { email: 'lager@alpen-med.example', displayName: 'Anna Huber', password: 'alpen-distributor-pass' };

let t: TestDatabase;
let uploads: { dir: string; remove(): void };
const as = {} as Record<'supplier' | 'ningbo' | 'qa' | 'admin' | 'distributor' | 'alpen', Actor>;
let events = 0;

const at = (iso: string) => t.clock.set(iso);
const erp = async (type: string, data: unknown) =>
  (await receiveErpEvent(t.ctx, { webhookId: `msg_home_${++events}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } })).outcome;

/** Count, item labels and link of one entry. */
function entry(list: WorkList, kind: WorkKind) {
  const e = list.entries.find((x) => x.kind === kind);
  if (!e) throw new Error(`no entry ${kind}`);
  return { count: e.count, items: e.items.map((i) => i.label), overdue: e.items.map((i) => i.overdue), href: e.href, hrefs: e.items.map((i) => i.href) };
}
const counts = (list: WorkList) => Object.fromEntries(list.entries.map((e) => [e.kind, e.count]));
/** A supplier without SCARs: its SCAR entries at 0. */
const noScarSteps = { scarStepsOverdue: 0, scarStepsReturned: 0, scarStepsToAnswer: 0 };

const certificate = (actor: Actor, fields: { number: string; validTo: string; type?: 'iso13485' | 'coc'; replacesSeriesId?: string }) => submitTestCertificate(t.ctx, actor, uploads.dir, fields);
const approve = (c: { id: string; recordHash: string }) => approveCertificate(t.ctx, as.qa, rp, { certificateId: c.id, recordHash: c.recordHash, credential: { password: demoPassword } });
const reject = (c: { id: string; recordHash: string }) =>
  rejectCertificate(t.ctx, as.qa, rp, { certificateId: c.id, recordHash: c.recordHash, reason: 'scope does not cover the part', credential: { password: demoPassword } });

const order = (poNumber: string, erpId: string, quantity: number, status = 'open') => ({
  poNumber,
  supplier: { erpId },
  status,
  currency: 'EUR',
  orderDate: '2026-02-20',
  version: 1,
  lines: [{ lineNumber: 1, gtin, quantity, unitPrice: '2.00' }],
});
const invoice = (number: string, purchaseOrder: string, quantity: number) => invoiceOfLine(number, purchaseOrder, gtin, quantity, { invoiceDate: '2026-02-25', dueDate: '2026-03-27' });
const lot = (lotNumber: string, extra: Partial<LotInput> = {}): LotInput => ({ gtin, lot: lotNumber, quantity: 1, expiryDate: '2030-01-31', ...extra });

/** A recall from the ERP with its notices sent by QA at the clock's time; returns its id. */
async function recall(recallNumber: string, lots: string[], responseDeadline: string, release = true): Promise<string> {
  const { recall: id } = (await erp('recall.issued', { recallNumber, issuedAt: t.clock.now().toISOString(), reason: 'Possible leak at the roller clamp', hazard: 'Under-infusion', products: [{ gtin: recallGtin, lots }], responseDeadline })) as { recall: string };
  if (release) await sendRecallNotices(t.ctx, as.qa, { recallId: id, portalUrl });
  return id;
}
const noticeOf = async (recallId: string, actor: Actor) =>
  (await t.db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, actor.organisationId]))!.id;

const ids = {} as Record<'ningboExpired' | 'late' | 'open' | 'partly' | 'review' | 'resubmitted' | 'partner' | 'exhaustedEvent', string>;

beforeAll(async () => {
  t = await testDatabase({ inactivityMs: 15 * 60_000, sessionMaxMs: 12 * 3_600_000, lockoutThreshold: 2, lockoutMs: 15 * 60_000 });
  uploads = tempDir('lotbridge-home-uploads-');
  at('2026-01-05T09:00:00.000Z');
  await seedDemo(t.ctx);
  const ningbo = (await createOrganisation(t.ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
  await addUser(t.ctx, by, { ...otherSupplier, role: 'supplier_user', organisationId: ningbo });
  const alpen = (await createOrganisation(t.ctx, by, { name: 'Alpen Med Handel GmbH', kind: 'distributor', erpId: 'C-20002' })).id;
  await addUser(t.ctx, by, { ...otherDistributor, role: 'distributor_user', organisationId: alpen });
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  as.ningbo = await actorFor(t.db, otherSupplier.email);
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  as.admin = await actorFor(t.db, demo('manufacturer_admin').email);
  as.distributor = await actorFor(t.db, demo('distributor_user').email);
  as.alpen = await actorFor(t.db, otherDistributor.email);

  // January: Ningbo's certificate is approved; it expires in February.
  ids.ningboExpired = (await certificate(as.ningbo, { number: 'NB-ISO-EXPIRED', validTo: '2026-02-15' })).id;
  await approve({ id: ids.ningboExpired, recordHash: (await t.db.get<{ record_hash: string }>('SELECT record_hash FROM certificates WHERE id = ?', [ids.ningboExpired]))!.record_hash });

  // A recall released in January whose deadline passes in February: overdue, then escalated.
  await erp('shipment.dispatched', { shipmentNumber: 'SH-HOME-ALPEN', distributor: { erpId: 'C-20002' }, dispatchedAt: '2026-01-02T08:00:00Z', lines: [{ gtin: recallGtin, lot: 'DEMO-2601A', quantity: 10 }] });
  ids.late = await recall('RC-HOME-LATE', ['DEMO-2601A'], '2026-02-15T23:59:59.999Z');

  at('2026-03-02T09:00:00.000Z');
  await sendRecallFollowUps(t.ctx, { portalUrl });
  // Alpen answers the late recall: no stock. Rhein stays silent.
  await submitAcknowledgement(t.ctx, as.alpen, rp, { noticeId: await noticeOf(ids.late, as.alpen), understood: true, holdsStock: false, lots: [], form: replyForm(), credential: { password: otherDistributor.password }, locale: 'en' });
  ids.open = await recall('RC-HOME-OPEN', ['DEMO-2601B'], '2026-03-20T23:59:59.999Z');
  ids.partly = await recall('RC-HOME-PARTLY', ['DEMO-2601A', 'DEMO-2601B'], '2026-03-25T23:59:59.999Z');
  // Rhein reports stock on the third recall, not all of it quarantined yet: a reply to complete.
  await submitAcknowledgement(t.ctx, as.distributor, rp, {
    noticeId: await noticeOf(ids.partly, as.distributor),
    understood: true,
    holdsStock: true,
    lots: [
      { gtin: recallGtin, lot: 'DEMO-2601A', received: 120, onHand: 20, quarantined: 5, returned: 0, destroyed: 0, subRecipients: [] },
      { gtin: recallGtin, lot: 'DEMO-2601B', received: 40, onHand: 0, quarantined: 0, returned: 0, destroyed: 0, subRecipients: [] },
    ],
    form: replyForm(),
    credential: { password: demoPassword },
    locale: 'en',
  });
  ids.review = await recall('RC-HOME-REVIEW', ['DEMO-2601A'], '2026-04-01T23:59:59.999Z', false);

  // Items and purchase orders from the ERP.
  await erp('item.upserted', { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' });
  await erp('purchase_order.created', order('PO-HOME-OPEN', 'V-10001', 10));
  await erp('purchase_order.created', order('PO-HOME-INVOICED', 'V-10001', 4));
  await erp('purchase_order.created', order('PO-HOME-CANCELLED', 'V-10001', 4, 'cancelled'));
  await erp('purchase_order.created', order('PO-HOME-NINGBO', 'V-10077', 2));

  // Suzhou's certificates: one expiring, one rejected, one rejected and submitted again, a CoC rejected after a lot named it.
  await approve(await certificate(as.supplier, { number: 'SX-EXPIRING', validTo: '2026-03-20' }));
  await reject(await certificate(as.supplier, { number: 'SX-REJECTED', validTo: '2028-01-01' }));
  const again = await certificate(as.supplier, { number: 'SX-AGAIN', validTo: '2028-01-01' });
  await reject(again);
  ids.resubmitted = (await certificate(as.supplier, { number: 'SX-AGAIN', validTo: '2028-06-01', replacesSeriesId: again.seriesId })).id;
  const coc = await certificate(as.supplier, { number: 'COC-HOME-1', validTo: '2027-01-01', type: 'coc' });
  // Ningbo: a rejected certificate and one waiting for review.
  await reject(await certificate(as.ningbo, { number: 'NB-REJECTED', validTo: '2028-01-01' }));
  t.clock.advance(60_000);
  await certificate(as.ningbo, { number: 'NB-WAITING', validTo: '2028-01-01' });

  // Lots: two that over-deliver PO-HOME-OPEN's line (8 + 5 > 10), one naming the CoC, one in order.
  await submitLots(t.ctx, as.supplier, { source: 'form', lots: [lot('L-OVER-1', { poNumber: 'PO-HOME-OPEN', poLine: 1, quantity: 8 })] });
  await submitLots(t.ctx, as.supplier, { source: 'form', lots: [lot('L-OVER-2', { poNumber: 'PO-HOME-OPEN', poLine: 1, quantity: 5 })] });
  await submitLots(t.ctx, as.supplier, { source: 'form', lots: [lot('L-COC', { certificate: 'COC-HOME-1' }), lot('L-FINE')] });
  await reject(coc);
  await submitLots(t.ctx, as.ningbo, { source: 'form', lots: [lot('L-NB-OVER', { poNumber: 'PO-HOME-NINGBO', poLine: 1, quantity: 3 })] });

  // Invoices: PO-HOME-INVOICED in full (disputed by the ERP), Ningbo's disputed too.
  await submitInvoice(t.ctx, as.supplier, invoice('INV-HOME-1', 'PO-HOME-INVOICED', 4));
  await erp('invoice.status_changed', { invoiceNumber: 'INV-HOME-1', supplier: { erpId: 'V-10001' }, occurredAt: '2026-03-02T08:00:00Z', status: 'disputed', reason: 'price differs' });
  await submitInvoice(t.ctx, as.ningbo, invoice('INV-HOME-NB', 'PO-HOME-NINGBO', 2));
  await erp('invoice.status_changed', { invoiceNumber: 'INV-HOME-NB', supplier: { erpId: 'V-10077' }, occurredAt: '2026-03-02T08:00:00Z', status: 'disputed', reason: 'no goods receipt' });

  // An account locked by failed sign-ins: a security alert.
  for (let i = 0; i < 2; i++) await signInWithPassword(t.ctx, { email: otherSupplier.email, password: 'wrong-password!' }).catch(() => undefined);
});

afterAll(() => {
  t?.close();
  uploads?.remove();
});

describe("a supplier's work list", () => {
  it('counts its orders to invoice, certificates expiring and rejected, flagged lots and disputed invoices, never another supplier’s', async () => {
    const list = await supplierWorkList(t.ctx, as.supplier, { graceDays });
    expect(counts(list)).toEqual({ ...noScarSteps, ordersToConfirm: 2, ordersToInvoice: 1, certificatesExpiring: 1, certificatesRejected: 2, lotsFlagged: 3, invoicesDisputed: 1 });
    // Never answered; the cancelled one is not to confirm.
    expect(entry(list, 'ordersToConfirm')).toMatchObject({ items: ['PO-HOME-INVOICED', 'PO-HOME-OPEN'], href: '/orders?state=toConfirm' });
    expect(entry(list, 'ordersToInvoice')).toMatchObject({ items: ['PO-HOME-OPEN'], href: '/invoices#submit-invoice', hrefs: ['/invoices?po=PO-HOME-OPEN#submit-invoice'] });
    expect(entry(list, 'certificatesExpiring')).toMatchObject({ items: ['SX-EXPIRING'], overdue: [false], href: '/certificates/expiry' });
    expect(entry(list, 'certificatesRejected')).toMatchObject({ href: '/certificates?state=rejected&latest=1' });
    expect(entry(list, 'certificatesRejected').items.sort()).toEqual(['COC-HOME-1', 'SX-REJECTED']);
    expect(entry(list, 'lotsFlagged')).toMatchObject({ href: '/lots?flagged=1' });
    expect(entry(list, 'lotsFlagged').items.sort()).toEqual(['L-COC', 'L-OVER-1', 'L-OVER-2']);
    expect(entry(list, 'invoicesDisputed')).toMatchObject({ items: ['INV-HOME-1'], href: '/invoices?erpStatus=disputed' });

    const ningbo = await supplierWorkList(t.ctx, as.ningbo, { graceDays });
    // Its order is invoiced in full; its expired certificate is on its list.
    expect(counts(ningbo)).toEqual({ ...noScarSteps, ordersToConfirm: 1, ordersToInvoice: 0, certificatesExpiring: 1, certificatesRejected: 1, lotsFlagged: 1, invoicesDisputed: 1 });
    expect(entry(ningbo, 'certificatesExpiring')).toMatchObject({ items: ['NB-ISO-EXPIRED'], overdue: [true] });
    expect(entry(ningbo, 'lotsFlagged').items).toEqual(['L-NB-OVER']);
    expect(entry(ningbo, 'invoicesDisputed').items).toEqual(['INV-HOME-NB']);
  });

  it('links to list filters that list exactly the counted records', async () => {
    const flagged = await listLots(t.ctx, as.supplier, { flagged: true });
    expect(flagged.items.map((l) => l.lot).sort()).toEqual(['L-COC', 'L-OVER-1', 'L-OVER-2']);
    const rejected = await listCertificates(t.ctx, as.supplier, { state: 'rejected', latest: true });
    expect(rejected.items.map((c) => c.number).sort()).toEqual(['COC-HOME-1', 'SX-REJECTED']);
    // Without `latest` the rejected version that was submitted again is listed too.
    expect((await listCertificates(t.ctx, as.supplier, { state: 'rejected' })).total).toBe(3);
  });

  it('finds flagged lots through the certificate series index, not a scan of every rejected certificate', async () => {
    const plan = (await t.db.all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT l.id FROM lots l WHERE l.organisation_id = ? AND ${flaggedLot}`, ['org'])).map((r) => r.detail);
    const certificateSteps = plan.filter((d) => /\bc\b|certificates/.test(d));
    expect(certificateSteps.length).toBeGreaterThan(0);
    for (const step of certificateSteps) expect(step).toContain('certificates_by_series_state');
  });

  it('is for supplier users only', async () => {
    for (const who of [as.qa, as.admin, as.distributor]) expect((await refusal(supplierWorkList(t.ctx, who, { graceDays }))).code).toBe('forbidden');
  });
});

describe("QA's work list", () => {
  it('counts certificates to review, recalls by what they need, suppliers with expired certificates and security alerts', async () => {
    const list = await qaWorkList(t.ctx, as.qa, { graceDays });
    expect(counts(list)).toEqual({
      validationDrift: 0,
      recallsNmpaAtRisk: 0,
      certificatesToReview: 2,
      lotsToInspect: 5,
      recallsToRelease: 1,
      recallsOverdue: 1,
      recallsEscalated: 1,
      recallsOpen: 3,
      suppliersExpired: 1,
      purchaseOrdersNotApproved: 0,
      scarStepsToDecide: 0,
      scarsToVerify: 0,
      securityAlerts: 1,
    });
    // Oldest waiting first.
    expect(entry(list, 'certificatesToReview')).toMatchObject({ items: ['SX-AGAIN · Suzhou Precision Components Co., Ltd.', 'NB-WAITING · Ningbo Moulding Ltd.'], href: '/certificates?state=submitted&sort=submitted&order=asc' });
    expect(entry(list, 'lotsToInspect')).toMatchObject({ href: '/lots?state=submitted&order=asc' });
    expect(entry(list, 'lotsToInspect').items).toHaveLength(3);
    expect(entry(list, 'recallsToRelease')).toMatchObject({ items: ['RC-HOME-REVIEW'], href: '/recalls?state=received' });
    expect(entry(list, 'recallsOverdue')).toMatchObject({ items: ['RC-HOME-LATE'], overdue: [true], href: '/recalls?attention=overdue' });
    expect(entry(list, 'recallsEscalated')).toMatchObject({ items: ['RC-HOME-LATE'], href: '/recalls?attention=escalated' });
    expect(entry(list, 'suppliersExpired')).toMatchObject({ items: ['Ningbo Moulding Ltd.'], overdue: [true], href: '/certificates/expiry?expired=1' });
    expect(entry(list, 'securityAlerts')).toMatchObject({ items: [otherSupplier.email], href: '/audit?action=auth.account_locked&from=2026-02-23' });
  });

  it("counts a recall as overdue only while a distributor's reply is missing past its deadline", async () => {
    const overdue = await listRecalls(t.ctx, as.qa, { attention: 'overdue' });
    expect(overdue.view === 'staff' && overdue.items.map((r) => r.recallNumber)).toEqual(['RC-HOME-LATE']);
    // Alpen replied, Rhein did not: the recall stays overdue for Rhein's notice alone.
    expect(await t.db.get("SELECT COUNT(*) AS n FROM recall_notices WHERE recall_id = ? AND latest_version = 0", [ids.late])).toEqual({ n: 1 });
  });

  it('is for manufacturer QA only', async () => {
    for (const who of [as.supplier, as.admin, as.distributor]) expect((await refusal(qaWorkList(t.ctx, who, { graceDays }))).code).toBe('forbidden');
  });
});

describe("a distributor's work list", () => {
  it('lists its notices waiting for a reply, the overdue one first, and its reply to complete, never another distributor’s', async () => {
    const list = await distributorWorkList(t.ctx, as.distributor);
    expect(entry(list, 'noticesAwaitingReply')).toEqual({
      count: 2,
      items: ['RC-HOME-LATE', 'RC-HOME-OPEN'],
      overdue: [true, false],
      href: '/recalls?state=open&reply=not_replied',
      hrefs: [`/recalls/${ids.late}/reply`, `/recalls/${ids.open}/reply`],
    });
    expect(entry(list, 'repliesToComplete')).toMatchObject({ count: 1, items: ['RC-HOME-PARTLY'], href: '/recalls?state=open&reply=incomplete' });

    // Alpen replied to the late recall (no stock) and has not replied to the third: only that, and nothing of Rhein's.
    const alpen = await distributorWorkList(t.ctx, as.alpen);
    expect(counts(alpen)).toEqual({ noticesAwaitingReply: 1, repliesToComplete: 0 });
    expect(entry(alpen, 'noticesAwaitingReply').items).toEqual(['RC-HOME-PARTLY']);
  });

  it('links to the recall list filters that list exactly those notices', async () => {
    const waiting = await listRecalls(t.ctx, as.distributor, { state: 'open', reply: 'not_replied' });
    expect(waiting.view === 'distributor' && waiting.items.map((r) => r.recallNumber).sort()).toEqual(['RC-HOME-LATE', 'RC-HOME-OPEN']);
    const incomplete = await listRecalls(t.ctx, as.distributor, { state: 'open', reply: 'incomplete' });
    expect(incomplete.view === 'distributor' && incomplete.items.map((r) => r.recallNumber)).toEqual(['RC-HOME-PARTLY']);
    // Alpen's "replied" notice has no stock: it is not a reply to complete.
    expect((await listRecalls(t.ctx, as.alpen, { reply: 'incomplete' })).total).toBe(0);
    expect((await listRecalls(t.ctx, as.alpen, { reply: 'replied' })).total).toBe(1);
  });

  it('is for distributor users only', async () => {
    for (const who of [as.supplier, as.qa, as.admin]) expect((await refusal(distributorWorkList(t.ctx, who))).code).toBe('forbidden');
  });
});

describe("the administrator's work list", () => {
  let ssl: OpensslDir;
  beforeAll(async () => {
    // Partner certificates are made by OpenSSL for today: the clock follows.
    at(new Date().toISOString());
    ssl = new OpensslDir('lotbridge-home-pki-');
    for (const [name, days] of [['soon', 20], ['later', 200]] as const) {
      ssl.ok(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/O=Alpen Med/CN=${name}`, '-days', String(days)]);
    }
    const partner = async (as2Id: string, organisationId: string, pem: string) =>
      (await addPartner(t.ctx, as.admin, { organisationId, as2Id, certificates: [{ fileName: `${as2Id}.pem`, data: ssl.read(pem).toString('utf8') }] })).partner.id;
    ids.partner = await partner('ALPEN-AS2', as.alpen.organisationId, 'soon.pem');
    await partner('NINGBO-AS2', as.ningbo.organisationId, 'later.pem');

    // The states below come only from failures on the network; written as the senders leave them.
    const now = t.clock.now().toISOString();
    // The endpoint gets a delivery of every event so far (backfilled); the first one gave up.
    await createWebhookEndpoint(t.ctx, as.admin, { url: 'http://127.0.0.1:9/hooks', description: 'ERP', internal: true });
    const first = (await t.db.get<{ id: number; event_type: string }>('SELECT d.id, o.event_type FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position ORDER BY d.id LIMIT 1'))!;
    ids.exhaustedEvent = first.event_type;
    await t.db.run("UPDATE webhook_deliveries SET state = 'exhausted', attempts = 8, next_attempt_at = NULL, completed_at = ? WHERE id = ?", [now, first.id]);
    await t.db.run(
      `INSERT INTO mail_messages (id, to_address, subject, text_body, locale, purpose, state, attempts, last_error, created_at)
       VALUES ('mail_home_failed', 'nobody@alpen-med.example', 'Recall notice', 'text', 'en', 'recall.notice', 'failed', 5, '550 no such user', ?)`,
      [now],
    );
    const inbound = (id: string, state: string, extra: string, values: string[]) =>
      t.db.run(
        `INSERT INTO as2_messages (id, direction, partner_id, as2_from, as2_to, message_id, subject, content_type, received_at, raw_storage_key, raw_sha256, raw_size_bytes,
                                   state, mdn_mode, disposition, failure_reason${extra})
         VALUES (?, 'in', ?, 'ALPEN-AS2', 'LOTBRIDGE', ?, ?, 'application/pkcs7-mime', ?, ?, ?, 10, ?, 'none', NULL, ?${values.map(() => ', ?').join('')})`,
        [id, ids.partner, `${id}@alpen`, `Subject ${id}`, now, `raw/${id}`, 'a'.repeat(64), state, state === 'failed' ? 'decryption failed' : null, ...values],
      );
    await inbound('as2_in_failed', 'failed', '', []);
    await inbound('as2_in_edifact_failed', 'processed', ', edifact_state', ['failed']);
    await inbound('as2_in_refused', 'processed', ', edifact_state', ['processed']);
    await t.db.run(
      `INSERT INTO edi_interchanges (id, organisation_id, sender_id, recipient_id, control_reference, syntax, received_at, as2_message_id, raw, sha256, size_bytes, status)
       VALUES ('ich_home_refused', ?, 'ALPEN', 'LOTBRIDGE', '000001', 'UNOC:3', ?, 'as2_in_refused@alpen', X'00', ?, 1, 'rejected')`,
      [as.alpen.organisationId, now, 'b'.repeat(64)],
    );
    const outbound = (id: string, state: string) =>
      t.db.run(
        `INSERT INTO as2_outbound_messages (id, partner_id, message_id, subject, filename, content_type, payload, payload_sha256, payload_size_bytes, purpose, created_at,
                                            state, attempts, request_body, failure_reason)
         VALUES (?, ?, ?, ?, 'notice.edi', 'application/edifact', X'00', ?, 1, 'recall_notice', ?, ?, 3, X'00', 'partner refused')`,
        [id, ids.partner, `${id}@lotbridge`, `Out ${id}`, 'c'.repeat(64), now, state],
      );
    await outbound('as2_out_failed', 'failed');
    await outbound('as2_out_exhausted', 'exhausted');
  });
  afterAll(() => ssl?.remove());

  it('counts failed deliveries, AS2 and EDIFACT failures, failed mail and certificates expiring, each linked to its filtered log', async () => {
    const list = await adminWorkList(t.ctx, as.admin);
    expect(counts(list)).toEqual({
      validationDrift: 0,
      webhooksFailed: 1,
      as2Failed: 2,
      as2GaveUp: 1,
      edifactFailed: 1,
      edifactRefused: 1,
      mailFailed: 1,
      partnerCertificatesExpiring: 1,
      as2KeysExpiring: 0,
    });
    expect(entry(list, 'webhooksFailed')).toMatchObject({ items: [ids.exhaustedEvent], href: '/admin/webhooks/deliveries?state=exhausted' });
    expect(entry(list, 'as2Failed')).toMatchObject({ href: '/admin/edi?state=failed' });
    expect(entry(list, 'as2Failed').items.sort()).toEqual(['Out as2_out_failed', 'Subject as2_in_failed']);
    expect(entry(list, 'edifactRefused')).toMatchObject({ items: ['Subject as2_in_refused'], href: '/admin/edi?state=edifact_refused' });
    expect(entry(list, 'mailFailed')).toMatchObject({ items: ['nobody@alpen-med.example'], href: '/admin/mail?state=failed' });
    expect(entry(list, 'partnerCertificatesExpiring')).toMatchObject({ items: ['ALPEN-AS2 · O=Alpen Med, CN=soon'], overdue: [false], href: '/admin/partners' });
  });

  it('links the EDIFACT refusals to an EDI log filter that lists exactly them', async () => {
    const refused = await listEdiMessages(t.ctx, as.admin, { state: 'edifact_refused' });
    expect(refused.items.map((m) => m.id)).toEqual(['as2_in_refused']);
  });

  it('is for administrators only', async () => {
    for (const who of [as.supplier, as.qa, as.distributor]) expect((await refusal(adminWorkList(t.ctx, who))).code).toBe('forbidden');
  });
});

describe('the SCAR entries of the supplier\'s and QA\'s work lists', () => {
  it("count the supplier's steps to answer, returned and overdue, and QA's answers to decide; never another supplier's", async () => {
    at('2026-03-02T09:00:00.000Z');
    const scar = await openTestScar(t.ctx, as.qa, as.supplier);
    const supplierEntries = async (who: Actor) => {
      const list = await supplierWorkList(t.ctx, who, { graceDays });
      return { counts: { toAnswer: entry(list, 'scarStepsToAnswer').count, returned: entry(list, 'scarStepsReturned').count, overdue: entry(list, 'scarStepsOverdue').count }, list };
    };
    const first = await supplierEntries(as.supplier);
    expect(first.counts).toEqual({ toAnswer: 8, returned: 0, overdue: 0 });
    expect(entry(first.list, 'scarStepsToAnswer')).toMatchObject({
      items: [`${scar.number} D1`, `${scar.number} D2`, `${scar.number} D3`],
      hrefs: [`/scars/${scar.id}#step-D1`, `/scars/${scar.id}#step-D2`, `/scars/${scar.id}#step-D3`],
      overdue: [false, false, false],
    });
    expect((await supplierEntries(as.ningbo)).counts).toEqual({ toAnswer: 0, returned: 0, overdue: 0 });

    await submitScarAnswer(t.ctx, as.supplier, { scarId: scar.id, step: 'D1', answer: { team: [{ name: 'Wang Fang', role: 'Quality manager' }] } });
    expect((await supplierEntries(as.supplier)).counts).toEqual({ toAnswer: 7, returned: 0, overdue: 0 });
    const decide = entry(await qaWorkList(t.ctx, as.qa, { graceDays }), 'scarStepsToDecide');
    expect(decide).toMatchObject({ count: 1, items: [`${scar.number} D1 · Suzhou Precision Components Co., Ltd.`], hrefs: [`/scars/${scar.id}#step-D1`] });

    await decideScarStep(t.ctx, as.qa, rp, { scarId: scar.id, step: 'D1', decision: 'returned', comment: 'Name the process engineer too.', credential: { password: demoPassword } });
    expect((await supplierEntries(as.supplier)).counts).toEqual({ toAnswer: 7, returned: 1, overdue: 0 });
    expect(entry(await qaWorkList(t.ctx, as.qa, { graceDays }), 'scarStepsToDecide').count).toBe(0);

    // Past D1's due date (three days after opening): the returned step is overdue, marked so.
    at('2026-03-06T09:00:00.000Z');
    const late = await supplierEntries(as.supplier);
    expect(late.counts).toEqual({ toAnswer: 7, returned: 0, overdue: 1 });
    expect(entry(late.list, 'scarStepsOverdue')).toMatchObject({ items: [`${scar.number} D1`], overdue: [true], href: '/scars?overdue=1' });
  });
});
