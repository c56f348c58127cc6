// The header search against the real server and its SQLite file: each role finds by number what
// it may see (a supplier its own lots, items, orders, invoices and certificates; a distributor
// its recall notices and shipments; manufacturer staff everything), exact matches first, and
// another organisation's record of EVERY kind is not found, even when its number starts the
// same way. Bad input is answered as a field problem; one exact match opens the record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { searchRecords, searchLimit, type SearchKind, type SearchResults } from '../../shared/search/search-records.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, demoIds, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';

const supplier = demo('supplier_user');
const distributor = demo('distributor_user');
const qa = demo('manufacturer_qa');
const otherSupplier = { email: 'quality@ningbo-search.example', displayName: 'Chen Gang', password: 'ningbo-search-pass' };
const otherDistributor = { email: 'recalls@lyon-search.example', displayName: 'Claire Martin', password: 'lyon-search-pass' };

/** Two GTINs sharing their first 12 digits: one on each supplier's orders. */
const gtin = { mine: '09506000140018', theirs: '09506000140025' } as const;

/** The records of one supplier and one distributor, every number starting `SRCH-<tag>-` (tag A: the demo organisations, B: the others). */
interface Seeded {
  lot: string;
  purchaseOrder: string;
  invoice: string;
  certificate: string;
  recall: string;
  shipment: string;
  ids: Record<'lot' | 'purchaseOrder' | 'invoice' | 'certificate' | 'recall' | 'shipment', string>;
}

async function seed(db: Db, tag: 'A' | 'B', supplierId: string, supplierUserId: string, distributorId: string, itemGtin: string, shipLot: string): Promise<Seeded> {
  const at = '2026-03-02T09:00:00.000Z';
  const n = { lot: `SRCH-${tag}-LOT7`, purchaseOrder: `SRCH-${tag}-PO7`, invoice: `SRCH-${tag}-INV7`, certificate: `SRCH-${tag}-CERT7`, recall: `SRCH-${tag}-RC7`, shipment: `SRCH-${tag}-SH7` };
  const ids = { lot: `lot_srch${tag}`, purchaseOrder: `po_srch${tag}`, invoice: `inv_srch${tag}`, certificate: `cer_srch${tag}`, recall: `rcl_srch${tag}`, shipment: `shp_srch${tag}` };
  await db.run('INSERT INTO items (gtin, description, unit_of_measure, updated_at) VALUES (?, ?, ?, ?)', [itemGtin, `Search test item ${tag}`, 'EA', at]);
  await db.run("INSERT INTO purchase_orders (id, po_number, supplier_organisation_id, status, currency, order_date, version, updated_at) VALUES (?, ?, ?, 'open', 'EUR', '2026-02-20', 1, ?)", [
    ids.purchaseOrder,
    n.purchaseOrder,
    supplierId,
    at,
  ]);
  await db.run("INSERT INTO purchase_order_lines (purchase_order_id, line_number, gtin, quantity, unit_price) VALUES (?, 1, ?, 100, '2.50')", [ids.purchaseOrder, itemGtin]);
  await db.run(
    `INSERT INTO lots (id, organisation_id, purchase_order_id, po_line_number, gtin, lot, quantity, source, state, submitted_by, submitted_at, record_hash)
     VALUES (?, ?, ?, 1, ?, ?, 100, 'form', 'submitted', ?, ?, 'x')`,
    [ids.lot, supplierId, ids.purchaseOrder, itemGtin, n.lot, supplierUserId, at],
  );
  await db.run(
    `INSERT INTO invoices (id, organisation_id, invoice_number, invoice_date, due_date, currency, purchase_order_id, net_total, tax_total, gross_total, tax_breakdown, state, record_hash, submitted_by, submitted_at)
     VALUES (?, ?, ?, '2026-03-01', '2026-03-31', 'EUR', ?, '250.00', '47.50', '297.50', '[]', 'submitted', 'x', ?, ?)`,
    [ids.invoice, supplierId, n.invoice, ids.purchaseOrder, supplierUserId, at],
  );
  const file = `file_srch${tag}`;
  await db.run("INSERT INTO stored_files (id, organisation_id, sha256, size_bytes, content_type, original_name, storage_key, uploaded_by, uploaded_at) VALUES (?, ?, 'x', 1, 'application/pdf', 'c.pdf', ?, ?, ?)", [
    file,
    supplierId,
    `srch/${tag}.pdf`,
    supplierUserId,
    at,
  ]);
  await db.run(
    `INSERT INTO certificates (id, series_id, version, organisation_id, type, number, issuer, scope, covers, valid_from, valid_to, file_id, record_hash, state, submitted_by, submitted_at)
     VALUES (?, ?, 1, ?, 'iso13485', ?, 'TÜV', 'scope', '{}', '2026-01-01', '2029-01-01', ?, 'x', 'submitted', ?, ?)`,
    [ids.certificate, `ser_srch${tag}`, supplierId, n.certificate, file, supplierUserId, at],
  );
  await db.run("INSERT INTO recalls (id, recall_number, source, state, payload, issued_at, received_at) VALUES (?, ?, 'erp', 'open', '{}', ?, ?)", [ids.recall, n.recall, at, at]);
  await db.run("INSERT INTO recall_notices (id, recall_id, distributor_organisation_id, recipients, sent_at, link_expires_at) VALUES (?, ?, ?, '[]', ?, ?)", [
    `rn_srch${tag}`,
    ids.recall,
    distributorId,
    at,
    '2026-06-01T00:00:00.000Z',
  ]);
  await db.run('INSERT INTO shipments (id, shipment_number, distributor_organisation_id, dispatched_at, received_at) VALUES (?, ?, ?, ?, ?)', [ids.shipment, n.shipment, distributorId, at, at]);
  await db.run("INSERT INTO shipment_lines (shipment_id, line_number, gtin, lot, serials, quantity) VALUES (?, 1, ?, ?, '[]', 10)", [ids.shipment, itemGtin, shipLot]);
  return { ...n, ids };
}

describe('header search', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let mine: Seeded;
  let theirs: Seeded;
  const as: Record<'supplier' | 'distributor' | 'qa', BrowserClient> = {} as never;

  const search = async (email: string, q: string): Promise<SearchResults> => searchRecords(ctx, await actorFor(db, email), { q });
  /** Every hit as `kind number`, in the order found. */
  const found = (r: SearchResults) => r.groups.flatMap((g) => g.hits.map((h) => `${h.kind} ${h.number}`));
  const kinds = (r: SearchResults) => r.groups.map((g) => g.kind);

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    const ids = await demoIds(db);
    const by = { type: 'system' as const, name: 'search test' };
    const supplierB = (await createOrganisation(ctx, by, { name: 'Ningbo Search Moulding Ltd.', kind: 'supplier', erpId: 'V-SRCH-B' })).id;
    const supplierBUser = (await addUser(ctx, by, { ...otherSupplier, role: 'supplier_user', organisationId: supplierB })).id;
    const distributorB = (await createOrganisation(ctx, by, { name: 'Lyon Search Distribution SA', kind: 'distributor', erpId: 'C-SRCH-B' })).id;
    await addUser(ctx, by, { ...otherDistributor, role: 'distributor_user', organisationId: distributorB });
    mine = await seed(db, 'A', ids.org.supplier.id, ids.user[supplier.email]!.id, ids.org.distributor.id, gtin.mine, 'SRCH-A-LOT7');
    theirs = await seed(db, 'B', supplierB, supplierBUser, distributorB, gtin.theirs, 'SRCH-B-LOT7');
    Object.assign(as, await signedInClients(server, db, { supplier: supplier.email, distributor: distributor.email, qa: qa.email }));
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  describe('a supplier', () => {
    it('finds its own lot, order, invoice and certificate by number, and the items it supplies by GTIN', async () => {
      expect(found(await search(supplier.email, mine.lot))).toEqual([`lot ${mine.lot}`]);
      expect(found(await search(supplier.email, mine.purchaseOrder))).toEqual([`purchase_order ${mine.purchaseOrder}`]);
      expect(found(await search(supplier.email, mine.invoice))).toEqual([`invoice ${mine.invoice}`]);
      expect(found(await search(supplier.email, mine.certificate))).toEqual([`certificate ${mine.certificate}`]);
      // A full GTIN: the item and its lots; the GTIN-13 (without the leading zero) finds the same.
      expect(found(await search(supplier.email, gtin.mine))).toEqual([`lot ${mine.lot}`, `item ${gtin.mine}`]);
      expect(found(await search(supplier.email, gtin.mine.slice(1)))).toEqual([`lot ${mine.lot}`, `item ${gtin.mine}`]);
    });

    it("finds none of another supplier's records, nor any recall or shipment, whatever it types", async () => {
      for (const q of [theirs.lot, theirs.purchaseOrder, theirs.invoice, theirs.certificate, theirs.recall, theirs.shipment, gtin.theirs, mine.recall, mine.shipment]) {
        expect(found(await search(supplier.email, q)), q).toEqual([]);
      }
      // A prefix both organisations' numbers share: only its own come back.
      const shared = await search(supplier.email, 'SRCH-');
      expect(found(shared).sort()).toEqual([`certificate ${mine.certificate}`, `invoice ${mine.invoice}`, `lot ${mine.lot}`, `purchase_order ${mine.purchaseOrder}`].sort());
      expect(found(await search(supplier.email, gtin.mine.slice(0, 12)))).toEqual([`item ${gtin.mine}`]);
    });
  });

  describe('a distributor', () => {
    it('finds the recalls it got a notice for and its shipments (by number, lot or GTIN)', async () => {
      expect(found(await search(distributor.email, mine.recall))).toEqual([`recall ${mine.recall}`]);
      expect(found(await search(distributor.email, mine.shipment))).toEqual([`shipment ${mine.shipment}`]);
      expect(found(await search(distributor.email, 'SRCH-A-LOT7'))).toEqual([`shipment ${mine.shipment}`]);
      expect(found(await search(distributor.email, gtin.mine))).toEqual([`shipment ${mine.shipment}`]);
    });

    it("finds none of another distributor's recalls or shipments, nor any supplier's records", async () => {
      for (const q of [theirs.recall, theirs.shipment, 'SRCH-B-LOT7', gtin.theirs, mine.purchaseOrder, mine.invoice, mine.certificate]) {
        expect(found(await search(distributor.email, q)), q).toEqual([]);
      }
      expect(kinds(await search(distributor.email, 'SRCH-'))).toEqual(['recall', 'shipment']);
      expect(found(await search(distributor.email, 'SRCH-')).sort()).toEqual([`recall ${mine.recall}`, `shipment ${mine.shipment}`]);
    });
  });

  describe('manufacturer staff', () => {
    it("finds every organisation's records of every kind, exact matches first", async () => {
      const all = await search(qa.email, 'SRCH-');
      expect(kinds(all)).toEqual(['lot', 'purchase_order', 'invoice', 'certificate', 'recall', 'shipment']);
      for (const s of [mine, theirs]) {
        for (const n of [s.lot, s.purchaseOrder, s.invoice, s.certificate, s.recall, s.shipment]) expect(found(all).some((f) => f.endsWith(` ${n}`)), n).toBe(true);
      }
      expect(found(await search(qa.email, gtin.theirs))).toEqual([`lot ${theirs.lot}`, `item ${gtin.theirs}`, `shipment ${theirs.shipment}`]);
      // Exact before prefix: "SRCH-A-LOT7" is one lot exactly (and a shipment's line), "SRCH-A-LOT" only starts it.
      const exact = await search(qa.email, mine.lot.toLowerCase());
      expect(exact.groups[0]!.hits[0]).toMatchObject({ kind: 'lot', number: mine.lot, exact: true, href: `/lots/${mine.ids.lot}` });
      expect((await search(qa.email, 'SRCH-A-LOT')).groups[0]!.hits[0]).toMatchObject({ number: mine.lot, exact: false });
    });

    it(`shows at most ${searchLimit} records of a kind and says there are more`, async () => {
      const at = '2026-03-02T09:00:00.000Z';
      for (let i = 0; i < searchLimit + 2; i++) {
        await db.run("INSERT INTO recalls (id, recall_number, source, state, payload, issued_at, received_at) VALUES (?, ?, 'erp', 'open', '{}', ?, ?)", [`rcl_many${i}`, `MANY-${String(i).padStart(2, '0')}`, at, at]);
      }
      const r = await search(qa.email, 'MANY-');
      expect(r.groups).toEqual([expect.objectContaining({ kind: 'recall' as SearchKind, more: true })]);
      expect(r.groups[0]!.hits).toHaveLength(searchLimit);
      // The one whose number is exactly the query comes first, marked, and is the one the page opens.
      await db.run("INSERT INTO recalls (id, recall_number, source, state, payload, issued_at, received_at) VALUES ('rcl_many_exact', 'MANY-1', 'erp', 'open', '{}', ?, ?)", [at, at]);
      const one = await search(qa.email, 'many-1');
      expect(one.groups[0]!.hits.map((h) => [h.number, h.exact])).toEqual([
        ['MANY-1', true],
        ['MANY-10', false],
        ['MANY-11', false],
      ]);
      expect(one.only).toMatchObject({ number: 'MANY-1', href: '/recalls/rcl_many_exact' });
    });

    it('refuses, as data, an empty, too short or too long query', async () => {
      expect((await refusal(search(qa.email, '   '))).problems).toEqual({ q: { code: 'search.queryRequired' } });
      expect((await refusal(search(qa.email, 'A'))).problems).toEqual({ q: { code: 'search.queryTooShort', params: { min: 2 } } });
      expect((await refusal(search(qa.email, 'A'.repeat(65)))).problems).toEqual({ q: { code: 'search.queryTooLong', params: { max: 64 } } });
    });

    it('looks numbers up through indexes, never by scanning a big table', async () => {
      const plans = await db.all<{ detail: string }>(
        "EXPLAIN QUERY PLAN SELECT l.id FROM lots l WHERE ((l.lot >= 'SRCH-' AND l.lot < 'SRCH-\u{10FFFF}')) ",
      );
      expect(plans.map((p) => p.detail).join('\n')).toMatch(/USING INDEX lots_by_lot/);
      for (const [table, index, column] of [
        ['certificates', 'certificates_by_number', 'number'],
        ['invoices', 'invoices_by_number', 'invoice_number'],
        ['shipment_lines', 'shipment_lines_by_lot', 'lot'],
      ]) {
        const plan = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT * FROM ${table} WHERE ${column} >= 'SRCH-' AND ${column} < 'SRCH-\u{10FFFF}'`);
        expect(plan.map((p) => p.detail).join('\n'), table).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}`));
      }
    });
  });

  describe('the /search page', () => {
    it('opens the one record whose number is exactly the query', async () => {
      const res = await as.supplier.get(`/search?q=${encodeURIComponent(mine.invoice)}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/invoices/${mine.ids.invoice}`);
      const recall = await as.distributor.get(`/search?q=${encodeURIComponent(mine.recall)}`);
      expect(recall.headers.get('location')).toBe(`/recalls/${mine.ids.recall}`);
    });

    it('lists the matches grouped by kind with links to their pages, and no other organisation’s', async () => {
      const res = await as.supplier.get('/search?q=srch-');
      expect(res.status).toBe(200);
      const html = await markup(res);
      expect(html).toContain('Records matching “srch-”');
      for (const heading of ['Lots', 'Purchase orders', 'Invoices', 'Certificates']) expect(html).toContain(`>${heading}</h2>`);
      expect(html).toContain(`href="/lots/${mine.ids.lot}"`);
      expect(html).toContain(`href="/invoices/${mine.ids.invoice}"`);
      expect(html).toContain(`href="/certificates/${mine.ids.certificate}"`);
      expect(html).toContain(`href="/orders/${mine.ids.purchaseOrder}"`);
      for (const n of [theirs.lot, theirs.invoice, theirs.certificate, theirs.purchaseOrder, mine.recall, mine.shipment]) expect(html).not.toContain(n);
    });

    it("says so when nothing matches, also for another organisation's exact number", async () => {
      const html = await markup(await as.supplier.get(`/search?q=${encodeURIComponent(theirs.invoice)}`));
      expect(html).toContain('No record you may see has this number or one that starts with it.');
      expect(html).not.toContain(`/invoices/${theirs.ids.invoice}`);
    });

    it('words a bad query beside the field, in the reader’s language', async () => {
      const html = await markup(await as.qa.get(`/search?q=${'9'.repeat(70)}`));
      expect(html).toMatch(/aria-invalid="true"/);
      expect(html).toContain('A number has at most 64 characters.');
      await as.qa.postForm('/lang', { lang: 'zh-CN', redirectTo: '/home' });
      expect(await markup(await as.qa.get('/search?q=x'))).toContain('请至少输入 2 个字符。');
      await as.qa.postForm('/lang', { lang: 'en', redirectTo: '/home' });
    });

    it('is refused to anyone not signed in', async () => {
      const res = await new BrowserClient(server.url).get(`/search?q=${encodeURIComponent(mine.lot)}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/login/);
    });
  });
});
