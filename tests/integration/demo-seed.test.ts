// The demo as `npm start` seeds it, on a real SQLite file: every record the README's walkthrough
// names exists, each user finds their own work through the real read use cases and nothing of
// another organisation's, the ERP's part is audited as the ERP under the seed's request id, the
// lots CSV template's example row is accepted as it is, and seeding again changes nothing.
import { endOfDayIn } from '../../shared/time-zone.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { seedWholeDemo } from '../../shared/demo/seed-demo.ts';
import { demoCertificateNumbers, demoDisputedInvoice, demoGtins, demoNoticeContact, demoPurchaseOrders, demoRecallFsn, demoRecallNumber, demoSecondDistributor } from '../../shared/demo/demo-data.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { listInvoiceableOrders } from '../../shared/invoices/list-invoiceable-orders.ts';
import { listInvoices } from '../../shared/invoices/list-invoices.ts';
import { listLots } from '../../shared/lots/list-lots.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { lotsCsvTemplate, parseLotsCsv } from '../../shared/lots/parse-lots-csv.ts';
import { listCertificates } from '../../shared/certificates/list-certificates.ts';
import { listCertificateExpiry } from '../../shared/certificates/list-certificate-expiry.ts';
import { listRecalls } from '../../shared/recalls/list-recalls.ts';
import { getRecallDashboard } from '../../shared/recalls/get-recall-dashboard.ts';
import { getDistributorRecall } from '../../shared/recalls/get-distributor-recall.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';

const options = (t: TestDatabase) => ({ uploads: { dir: t.dir, maxBytes: 10 * 1024 * 1024 }, portalUrl: 'http://localhost:3000' });

/** Every table's row count: what "changes nothing" is measured by. */
async function footprint(t: TestDatabase): Promise<Record<string, number>> {
  const tables = await t.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  const out: Record<string, number> = {};
  for (const { name } of tables) out[name] = (await t.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`))!.n;
  return out;
}

describe('the demo as npm start seeds it', () => {
  let t: TestDatabase;
  const as: Record<'supplier' | 'qa' | 'admin' | 'distributor' | 'alpen' | 'otherSupplier', Actor> = {} as never;
  let recallId: string;

  beforeAll(async () => {
    t = await testDatabase();
    expect(await seedWholeDemo(t.ctx, options(t))).toBe(true);
    as.supplier = await actorFor(t.db, demo('supplier_user').email);
    as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
    as.admin = await actorFor(t.db, demo('manufacturer_admin').email);
    as.distributor = await actorFor(t.db, demo('distributor_user').email);
    as.alpen = await actorFor(t.db, demoSecondDistributor.user.email);
    recallId = (await t.db.get<{ id: string }>('SELECT id FROM recalls WHERE recall_number = ?', [demoRecallNumber]))!.id;
  });

  afterAll(() => t?.close());

  it("the recall in progress carries every field a notice must (trade name, model, contact, SRN, FSN reference, authorities)", async () => {
    const { content } = await getDistributorRecall(t.ctx, as.distributor, recallId);
    expect(content.products).toEqual([expect.objectContaining({ gtin: demoGtins.catheter, tradeName: 'Meridian CVC triple lumen', model: 'CVC-7T, 7 Fr' })]);
    expect(content.contact).toEqual({ name: demoNoticeContact.name, email: demoNoticeContact.email, phone: demoNoticeContact.phone });
    expect(content.srn).toBe(demoNoticeContact.srn);
    expect(content.fsn).toMatchObject({ reference: demoRecallFsn.fsnReference, type: 'new', revision: 1, revisionToAnswer: 1 });
    expect(content.authorities.map((a) => a.name)).toEqual(demoRecallFsn.authorities);
    expect(content.hazard).toBeTruthy();
  });

  it('has the items of every walkthrough, named with their model, as the ERP sent them (audited as the ERP, request id demo-seed)', async () => {
    const items = await t.db.all<{ gtin: string; description: string }>('SELECT gtin, description FROM items ORDER BY gtin');
    expect(items.map((i) => i.gtin).sort()).toEqual(Object.values(demoGtins).sort());
    for (const i of items) expect(i.description).toMatch(/ — model [A-Z0-9-]+$/);
    const audit = await t.db.all<{ actor_type: string; actor_id: string; request_id: string }>("SELECT actor_type, actor_id, request_id FROM audit_log WHERE action IN ('item.created', 'purchase_order.created', 'purchase_order.updated', 'shipment.dispatched', 'invoice.status_changed')");
    expect(audit.length).toBe(5 + 5 + 1 + 2 + 2);
    expect(new Set(audit.map((a) => `${a.actor_type}/${a.actor_id}/${a.request_id}`))).toEqual(new Set(['partner/erp/demo-seed']));
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('the supplier finds its open orders, lots, certificates in each state and the disputed invoice', async () => {
    // The disputed invoice invoiced all of its order: three are left to invoice.
    const orders = await listInvoiceableOrders(t.ctx, as.supplier);
    expect(orders.map((o) => [o.poNumber, o.status]).sort()).toEqual(
      [
        [demoPurchaseOrders.toInvoice, 'open'],
        [demoPurchaseOrders.toConfirm, 'open'],
        [demoPurchaseOrders.changed, 'changed'],
      ].sort(),
    );
    const lots = await listLots(t.ctx, as.supplier);
    expect(lots.items.map((l) => l.lot).sort()).toEqual(['DEMO-2601A', 'DEMO-2601B', 'IS-2610C', 'SC-2610A']);
    // QA inspected two of them: one released, one rejected; the others await inspection.
    expect(Object.fromEntries(lots.items.map((l) => [l.lot, l.state]))).toEqual({ 'DEMO-2601A': 'released', 'DEMO-2601B': 'submitted', 'IS-2610C': 'submitted', 'SC-2610A': 'rejected' });
    const certificates = await listCertificates(t.ctx, as.supplier);
    expect(Object.fromEntries(certificates.items.map((c) => [c.number, c.state]))).toEqual({
      [demoCertificateNumbers.expiring]: 'approved',
      [demoCertificateNumbers.awaitingReview]: 'submitted',
      [demoCertificateNumbers.rejected]: 'rejected',
    });
    const invoices = await listInvoices(t.ctx, as.supplier);
    expect(invoices.items).toHaveLength(1);
    expect(invoices.items[0]).toMatchObject({ number: demoDisputedInvoice, poNumber: demoPurchaseOrders.disputed, grossTotal: '2169.60', erpStatus: { status: 'disputed' } });
    expect(invoices.items[0]!.erpStatus!.reason).toContain('credit note');
  });

  it('the approved certificate expires within the reminder window, measured from the seeding day, and its reminder is in the mail log', async () => {
    const expiry = await listCertificateExpiry(t.ctx, as.qa, { graceDays: 30 });
    const [supplier] = expiry.suppliers;
    expect(supplier!.certificates.map((c) => [c.number, c.daysLeft, c.expired])).toEqual([[demoCertificateNumbers.expiring, 25, false]]);
    const mails = await t.db.all<{ purpose: string; to_address: string }>('SELECT purpose, to_address FROM mail_messages ORDER BY purpose, to_address');
    // The supplier's own mails tell of each decision on its submissions (certificates approved and rejected, the invoice disputed).
    expect(mails).toEqual([
      { purpose: 'certificate.approved', to_address: demo('supplier_user').email },
      { purpose: 'certificate.expiry_reminder', to_address: demo('supplier_user').email },
      { purpose: 'certificate.rejected', to_address: demo('supplier_user').email },
      { purpose: 'invoice.disputed', to_address: demo('supplier_user').email },
      { purpose: 'lot.rejected', to_address: demo('supplier_user').email },
      { purpose: 'recall.notice', to_address: demo('distributor_user').email },
      { purpose: 'recall.notice', to_address: demoSecondDistributor.user.email },
      { purpose: 'recall.receipt', to_address: demoSecondDistributor.user.email },
    ]);
  });

  it('QA finds the certificate to review and the recall in progress, whose dashboard has figures', async () => {
    const waiting = await listCertificates(t.ctx, as.qa, { state: 'submitted' });
    expect(waiting.items.map((c) => c.number)).toEqual([demoCertificateNumbers.awaitingReview]);
    const recalls = await listRecalls(t.ctx, as.qa);
    expect(recalls.view).toBe('staff');
    expect(recalls.items.map((r) => [r.recallNumber, r.state])).toEqual([[demoRecallNumber, 'open']]);
    const d = await getRecallDashboard(t.ctx, as.qa, recallId);
    expect(d.counts).toMatchObject({ consignees: 2, notified: 2, acknowledged: 1, overdue: 0 });
    expect(d.lots.map((l) => [l.lot, l.shipped, l.accountedFor, l.quarantined])).toEqual([
      ['CVC-2508K', 90, 30, 18],
      ['CVC-2508L', 25, 0, 0],
    ]);
    expect(d.nonResponders.map((c) => c.name)).toEqual(['Rhein Medical Distribution GmbH']);
    // QA's organisation is in New York in the demo: the deadline date ends at midnight there.
    expect(d.recall.responseDeadline).toBe(endOfDayIn(new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString().slice(0, 10), 'America/New_York'));
  });

  it('the distributor finds the notice waiting for its reply; the other distributor its own reply only', async () => {
    const mine = await listRecalls(t.ctx, as.distributor);
    if (mine.view !== 'distributor') throw new Error(`expected the distributor's view, got ${mine.view}`);
    expect(mine.items.map((r) => [r.recallNumber, r.reply])).toEqual([[demoRecallNumber, 'not_replied']]);
    const alpen = await listRecalls(t.ctx, as.alpen);
    if (alpen.view !== 'distributor') throw new Error(`expected the distributor's view, got ${alpen.view}`);
    expect(alpen.items.map((r) => [r.recallNumber, r.reply])).toEqual([[demoRecallNumber, 'quarantine_confirmed']]);
    const seen = await getDistributorRecall(t.ctx, as.distributor, recallId);
    expect(JSON.stringify(seen)).not.toContain(demoSecondDistributor.name);
  });

  it('nobody else sees these records: other suppliers find nothing, distributors and suppliers are refused what is not theirs', async () => {
    const org = await createOrganisation(t.ctx, { type: 'system', name: 'demo seed test' }, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' });
    await addUser(t.ctx, { type: 'system', name: 'demo seed test' }, { email: 'quality@ningbo-moulding.example', displayName: '陈刚', password: 'ningbo-supplier-pass', role: 'supplier_user', organisationId: org.id });
    as.otherSupplier = await actorFor(t.db, 'quality@ningbo-moulding.example');
    expect(await listInvoiceableOrders(t.ctx, as.otherSupplier)).toEqual([]);
    expect((await listLots(t.ctx, as.otherSupplier)).items).toEqual([]);
    expect((await listCertificates(t.ctx, as.otherSupplier)).items).toEqual([]);
    expect((await listInvoices(t.ctx, as.otherSupplier)).items).toEqual([]);
    expect((await listCertificateExpiry(t.ctx, as.otherSupplier, { graceDays: 30 })).suppliers).toEqual([]);
    expect((await refusal(listRecalls(t.ctx, as.supplier))).code).toBe('forbidden');
    expect((await refusal(getRecallDashboard(t.ctx, as.distributor, recallId))).code).toBe('not_found');
    expect((await refusal(listInvoices(t.ctx, as.distributor))).code).toBe('forbidden');
  });

  it('seeding again changes nothing: the database is left alone', async () => {
    const before = await footprint(t);
    expect(await seedWholeDemo(t.ctx, options(t))).toBe(false);
    expect(await footprint(t)).toEqual(before);
  });

  it("the lots CSV template's example row is accepted as it is, against its purchase order line", async () => {
    const parsed = parseLotsCsv(new TextEncoder().encode(lotsCsvTemplate()));
    const result = await submitLots(t.ctx, as.supplier, { source: 'csv', lots: parsed.lots, rejected: parsed.rejected });
    expect(result.stored.map((l) => [l.gtin, l.purchaseOrder?.poNumber])).toEqual([[demoGtins.infusionSet, demoPurchaseOrders.toConfirm]]);
    expect(result.warnings).toEqual([]);
  });
});
