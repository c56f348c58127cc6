// The purchase order pages against the real server and its SQLite file, seeded with the whole
// demo: a supplier lists its own orders (the demo's two to confirm, by the state filter), staff
// every supplier's (with a supplier filter); another organisation's order is not found (404),
// also when answered by form; a distributor has no orders; the supplier's answer form words each
// refusal next to its field and records nothing, and an answer is recorded and shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { demoPurchaseOrders } from '../../shared/demo/demo-data.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { actorFor } from '../support/actors.ts';
import { listPurchaseOrders } from '../../shared/orders/list-purchase-orders.ts';

const by = { type: 'system' as const, name: 'orders pages test' };
let server: RunningServer;
let db: Db;
let as: Record<'supplier' | 'qa' | 'distributor' | 'ningbo', BrowserClient>;
const ids = {} as Record<'toConfirm' | 'changed' | 'ningbo', string>;

const poId = async (po: string) => (await db.get<{ id: string }>('SELECT id FROM purchase_orders WHERE po_number = ?', [po]))!.id;
const numbers = (html: string) => [...html.matchAll(/data-testid="order" data-number="([^"]+)" data-state="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
const answers = async (id: string) => (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM edi_documents WHERE kind = 'purchase_order_response' AND refers_to_id = ?", [id]))!.n;

beforeAll(async () => {
  server = await startBuiltServer({ DEMO_SEED: 'true' });
  db = openServerDb(server);
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  const ningbo = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
  await addUser(ctx, by, { email: 'quality@ningbo-orders.example', displayName: 'Chen Gang', password: 'ningbo-orders-pass', role: 'supplier_user', organisationId: ningbo });
  await db.transaction((tx) =>
    applyPurchaseOrder(tx, systemClock, { poNumber: 'PO-NINGBO-1', supplier: { erpId: 'V-10077' }, status: 'open', currency: 'EUR', orderDate: '2026-03-01', version: 1, lines: [{ lineNumber: 1, gtin: '09506000134352', quantity: 10, unitPrice: '1.00' }] }),
  );
  ids.toConfirm = await poId(demoPurchaseOrders.toConfirm);
  ids.changed = await poId(demoPurchaseOrders.changed);
  ids.ningbo = await poId('PO-NINGBO-1');
  as = await signedInClients(server, db, {
    supplier: demo('supplier_user').email,
    qa: demo('manufacturer_qa').email,
    distributor: demo('distributor_user').email,
    ningbo: 'quality@ningbo-orders.example',
  });
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('the purchase order list', () => {
  it("shows a supplier its own orders, each in its state; the state filter lists exactly the demo's two to confirm", async () => {
    expect(numbers(await markup(await as.supplier.get('/orders'))).sort()).toEqual(['PO-4500016900 confirmed', 'PO-4500016950 toInvoice', 'PO-4500017001 toConfirm', 'PO-4500017002 toConfirm']);
    const toConfirm = await markup(await as.supplier.get('/orders?state=toConfirm'));
    expect(numbers(toConfirm).sort()).toEqual(['PO-4500017001 toConfirm', 'PO-4500017002 toConfirm']);
    expect(toConfirm).not.toContain('PO-NINGBO-1');
    expect(numbers(await markup(await as.supplier.get('/orders?state=toInvoice')))).toEqual(['PO-4500016950 toInvoice']);
    expect(await markup(await as.supplier.get('/orders?state=closed'))).toContain('No purchase orders match.');
  });

  it("shows staff every supplier's orders, filtered by supplier", async () => {
    const all = numbers(await markup(await as.qa.get('/orders?state=toConfirm')));
    expect(all.sort()).toEqual(['PO-4500017001 toConfirm', 'PO-4500017002 toConfirm', 'PO-NINGBO-1 toConfirm']);
    const ningbo = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'V-10077'"))!.id;
    expect(numbers(await markup(await as.qa.get(`/orders?supplier=${ningbo}`)))).toEqual(['PO-NINGBO-1 toConfirm']);
  });

  it('pages with the total of the filtered list; a page past the end shows the last page', async () => {
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    const supplier = await actorFor(db, demo('supplier_user').email);
    const second = await listPurchaseOrders(ctx, supplier, { pageSize: 3, page: 2 });
    expect(second).toMatchObject({ total: 4, page: 2, pages: 2 });
    expect(second.items.map((o) => o.poNumber)).toEqual(['PO-4500016900']);
    const past = await listPurchaseOrders(ctx, supplier, { pageSize: 3, page: 9 });
    expect(past).toMatchObject({ total: 4, page: 2, pages: 2, items: second.items });
    const staff = await listPurchaseOrders(ctx, await actorFor(db, demo('manufacturer_qa').email), { state: 'toConfirm', pageSize: 2 });
    expect(staff).toMatchObject({ total: 3, page: 1, pages: 2 });
    expect(staff.items).toHaveLength(2);
  });

  it('is not for a distributor', async () => {
    expect((await as.distributor.get('/orders')).status).toBe(403);
    expect((await as.distributor.get(`/orders/${ids.toConfirm}`)).status).toBe(404);
  });
});

describe('a purchase order page', () => {
  it("is not found for another organisation's order, and its answer form refuses the same way", async () => {
    expect((await as.supplier.get(`/orders/${ids.ningbo}`)).status).toBe(404);
    expect((await as.ningbo.get(`/orders/${ids.toConfirm}`)).status).toBe(404);
    const res = await as.supplier.postForm(`/orders/${ids.ningbo}?/respond`, { answer: 'accept' });
    expect(res.status).toBe(404);
    expect(await answers(ids.ningbo)).toBe(0);
  });

  it('is refused to staff answering for the supplier and to anyone signed out, recording nothing', async () => {
    const staff = await as.qa.postForm(`/orders/${ids.changed}?/respond`, { answer: 'accept' });
    expect(staff.status).toBe(403);
    const anonymous = new BrowserClient(server.url);
    for (const res of [await anonymous.get('/orders'), await anonymous.get(`/orders/${ids.changed}`), await anonymous.postForm(`/orders/${ids.changed}?/respond`, { answer: 'accept' })]) {
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toContain('/login');
    }
    expect(await answers(ids.changed)).toBe(0);
  });

  it('shows the lines with GTIN, item name, quantity and date, and offers the supplier the answer, a lot and an invoice', async () => {
    const html = await markup(await as.supplier.get(`/orders/${ids.toConfirm}`));
    expect(html).toContain('Purchase order PO-4500017001');
    expect(html).toContain('09506000134352');
    expect(html).toContain('Infusion set, 20 drops/ml, 150 cm — model IS-20');
    expect(html).toContain('data-testid="respond-form"');
    expect(html).toContain(`lots?po=${demoPurchaseOrders.toConfirm}#lot-form-title"`);
    expect(html).toContain(`invoices?po=${demoPurchaseOrders.toConfirm}#submit-invoice"`);
    expect(html).toContain('Not answered yet.');
    // The lot link opens the lot form with that order filled in.
    const lots = await markup(await as.supplier.get(`/lots?po=${demoPurchaseOrders.toConfirm}`));
    expect(lots).toMatch(new RegExp(`name="po_number"[^>]*value="${demoPurchaseOrders.toConfirm}"|value="${demoPurchaseOrders.toConfirm}"[^>]*name="po_number"`));
    // Staff read it, without the supplier's form.
    const staff = await markup(await as.qa.get(`/orders/${ids.toConfirm}`));
    expect(staff).toContain('Purchase order PO-4500017001');
    expect(staff).not.toContain('data-testid="respond-form"');
  });

  it('words each refusal of the form next to its field, keeps what was typed and records nothing', async () => {
    const res = await as.supplier.postForm(`/orders/${ids.changed}?/respond`, { answer: 'change', 'lines.0.status': 'changed', 'lines.0.quantity': 'lots', 'lines.0.deliveryDate': '2026-02-30', note: 'x'.repeat(2001) });
    expect(res.status).toBe(400);
    const html = await markup(res);
    expect(html).toContain('data-problem="orders.badQuantity"');
    expect(html).toContain('Enter the quantity you will deliver as a number, such as 150 (not “lots”).');
    expect(html).toContain('Enter the delivery date as YYYY-MM-DD (not “2026-02-30”).');
    expect(html).toContain('The note is too long: at most 2000 characters.');
    expect(html).toMatch(/id="line-0-quantity" aria-invalid="true"[^>]*value="lots"|value="lots"[^>]*aria-invalid="true"/);
    expect(await answers(ids.changed)).toBe(0);
  });

  it('records a changed line and shows the answer; the order is then confirmed', async () => {
    const res = await as.supplier.postForm(`/orders/${ids.changed}?/respond`, { answer: 'change', 'lines.0.status': 'accepted', 'lines.0.quantity': '180', 'lines.0.deliveryDate': '2030-01-15', note: 'Only 180 this month.' });
    expect([res.status, res.headers.get('location')]).toEqual([303, `/orders/${ids.changed}?answered=1`]);
    const html = await markup(await as.supplier.get(`/orders/${ids.changed}?answered=1`));
    expect(html).toContain('Your answer was recorded and sent to the buyer’s ERP.');
    expect(html).toContain('data-status="changed" data-source="portal"');
    expect(html).toContain('Line 1: Changed, quantity 180, date 2030-01-15');
    expect(html).toContain('Note: Only 180 this month.');
    expect(html).toContain('data-testid="order-state">Confirmed');
    const staff = await markup(await as.qa.get(`/orders/${ids.changed}`));
    expect(staff).toContain('Line 1: Changed, quantity 180, date 2030-01-15');
  });
});
