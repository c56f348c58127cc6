// The REST API's invoices and purchase orders (/api/v1/invoices, /api/v1/orders) against the
// real server over loopback HTTP and its real SQLite file, every answer checked against the
// served OpenAPI document by tests/support/api.ts. Per operation: success; each validation
// problem (code and pointer); another supplier's record (404); a key without the scope (403);
// a revoked or expired key (401); the idempotent retry of each POST (one record, one audit entry,
// one event); paging to the end with rows added between pages; and the ERP's status, posted to
// /erp/webhooks, in the invoice's timeline with a new ETag.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '@hyperjump/json-schema/openapi-3-1';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { submitInvoice, type InvoiceSubmission } from '../../shared/invoices/submit-invoice.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { postErpEvent } from '../support/erp.ts';
import { ApiClient, createTestApiKey, type ApiAnswer } from '../support/api.ts';
import { eventsOf } from '../support/outbox-events.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const ningbo = { email: 'ap@ningbo-api.example', displayName: 'Chen Gang', password: 'ningbo-supplier-pass' };
const gtinA = '09506000134352';
const gtinB = '09506000134369';
const secret = generateSecret();

interface FieldError {
  pointer?: string;
  parameter?: string;
  in?: string;
  code: string;
  params?: Record<string, unknown>;
}
interface Problem {
  status: number;
  code: string;
  errors?: FieldError[];
}
type Json = Record<string, unknown>;
interface Page {
  items: Json[];
  nextCursor: string | null;
}

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
let n = 0;
/** Clients by key: the supplier's (every scope), another supplier's, narrow ones, a revoked and an expired one. */
const api = {} as Record<'supplier' | 'ningbo' | 'ordersOnly' | 'invoicesRead' | 'invoicesOnly' | 'revoked' | 'expired', ApiClient>;

const erp = (type: string, data: unknown) => postErpEvent(server, secret, type, data);
const count = async (sql: string, args: string[] = []) => (await db.get<{ n: number }>(sql, args))!.n;
const errorsOf = (answer: ApiAnswer) => ((answer.body as Problem).errors ?? []).map((e) => ({ at: e.pointer ?? `${e.in}:${e.parameter}`, code: e.code, ...(e.params && { params: e.params }) }));

function order(poNumber: string, extra: Json = {}) {
  return {
    poNumber,
    supplier: { erpId: 'V-10001' },
    status: 'open',
    currency: 'EUR',
    orderDate: '2026-03-02',
    version: 1,
    lines: [
      { lineNumber: 10, gtin: gtinA, quantity: 5000, unitPrice: '3.85', deliveryDate: '2026-04-01' },
      { lineNumber: 20, gtin: gtinB, quantity: 2000, unitPrice: '1.2345', deliveryDate: '2026-04-01' },
    ],
    ...extra,
  };
}

/** A correct invoice for PO-API-1 (both lines, 13 % tax), with overrides. */
function invoice(overrides: Partial<InvoiceSubmission> = {}): InvoiceSubmission {
  return {
    number: `API-${++n}-${Math.random().toString(36).slice(2, 7)}`,
    invoiceDate: '2026-03-20',
    dueDate: '2026-04-19',
    currency: 'EUR',
    paymentTerms: '30 days net',
    purchaseOrder: 'PO-API-1',
    lines: [
      { poLine: 10, gtin: gtinA, quantity: '10', unitPrice: '3.85', taxRate: '13', lineNet: '38.50' },
      { poLine: 20, gtin: gtinB, quantity: '3', unitPrice: '1.2345', taxRate: '13', lineNet: '3.70' },
    ],
    netTotal: '42.20',
    taxTotal: '5.49',
    grossTotal: '47.69',
    ...overrides,
  };
}

/** An invoice of one line of PO-API-2, tax free. */
const oneLine = (poLine: 10 | 20, quantity: number) => {
  const [gtin, price] = poLine === 10 ? [gtinA, 3.85] : [gtinB, 1.2345];
  const net = (Math.round(quantity * price * 100) / 100).toFixed(2);
  return invoice({ purchaseOrder: 'PO-API-2', lines: [{ poLine, gtin, quantity: String(quantity), unitPrice: String(price), taxRate: '0', lineNet: net }], netTotal: net, taxTotal: '0.00', grossTotal: net });
};

/** Every page of a list to its end, calling `between` after each page but the last. */
async function allPages(client: ApiClient, path: string, between?: (page: number) => Promise<void>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: ApiAnswer<Page> = await client.get<Page>(next ? `${path}${sep}cursor=${encodeURIComponent(next)}` : path);
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((i) => i.id as string));
    next = res.body.nextCursor;
    if (next) expect(res.headers.get('Link')).toContain('rel="next"');
    else expect(res.headers.get('Link')).toBeNull();
    if (next) await between?.(pages);
    pages++;
    if (pages > 100) throw new Error('no end');
  } while (next);
  return { ids, pages };
}

beforeAll(async () => {
  server = await startBuiltServer({ ERP_INBOUND_SECRET: secret });
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'api invoices test' };
  const ningboOrg = (await createOrganisation(ctx, by, { name: 'Ningbo API Moulding Ltd.', kind: 'supplier', erpId: 'V-10088' })).id;
  await addUser(ctx, by, { ...ningbo, role: 'supplier_user', organisationId: ningboOrg });
  for (const po of [
    order('PO-API-1'),
    order('PO-API-2'),
    order('PO-API-ANSWER'),
    order('PO-API-RETRY'),
    order('PO-API-CLOSED', { status: 'closed' }),
    order('PO-API-NINGBO', { supplier: { erpId: 'V-10088' } }),
  ]) {
    expect((await erp('purchase_order.created', po)).status).toBe(200);
  }
  const key = async (email: string, options: Parameters<typeof createTestApiKey>[2] = {}) => new ApiClient(server.url, (await createTestApiKey(ctx, email, options)).token);
  api.supplier = await key(supplier.email);
  api.ningbo = await key(ningbo.email);
  api.ordersOnly = await key(supplier.email, { scopes: ['orders:write'] });
  api.invoicesRead = await key(supplier.email, { scopes: ['invoices:read'] });
  api.invoicesOnly = await key(supplier.email, { scopes: ['invoices:write'] });
  api.revoked = await key(supplier.email);
  api.expired = await key(supplier.email);
  // Revoked and expired as the key's row says (the router reads nothing else).
  const idOf = (c: ApiClient) => c.token!.split('_')[1]!;
  await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', [new Date().toISOString(), idOf(api.revoked)]);
  await db.run('UPDATE api_keys SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000).toISOString(), idOf(api.expired)]);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('POST /invoices', () => {
  it('submits an invoice through the same use case: stored once, audited under the key, announced to the ERP, read back the same', async () => {
    const input = invoice();
    const res = await api.supplier.post<Json>('/invoices', input);
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(res.headers.get('Location')).toBe(`/api/v1/invoices/${id}`);
    expect(res.body).toMatchObject({
      number: input.number,
      invoiceDate: '2026-03-20',
      dueDate: '2026-04-19',
      currency: 'EUR',
      purchaseOrder: { poNumber: 'PO-API-1' },
      lines: [
        { lineNumber: 1, poLine: 10, gtin: gtinA, quantity: '10', unitPrice: '3.85', taxRate: '13', lineNet: '38.50' },
        { lineNumber: 2, poLine: 20, gtin: gtinB, quantity: '3', unitPrice: '1.2345', taxRate: '13', lineNet: '3.70' },
      ],
      taxBreakdown: [{ rate: '13', taxableAmount: '42.20', taxAmount: '5.49' }],
      totals: { net: '42.20', tax: '5.49', gross: '47.69' },
      state: 'submitted',
      erpStatus: null,
      erpStatuses: [],
    });
    expect(res.body).not.toHaveProperty('recordHash');
    const keyUser = await db.get<{ user_id: string; name: string }>('SELECT k.user_id, u.display_name AS name FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ?', [api.supplier.token!.split('_')[1]!]);
    expect(res.body.submittedBy).toBe(keyUser!.name);
    expect(await db.get('SELECT organisation_id, submitted_by FROM invoices WHERE id = ?', [id])).toEqual({ organisation_id: (await actorFor(db, supplier.email)).organisationId, submitted_by: keyUser!.user_id });
    const audit = await db.all<{ actor_id: string; new_values: string }>("SELECT actor_id, new_values FROM audit_log WHERE action = 'invoice.submitted' AND entity_id = ?", [id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(keyUser!.user_id);
    expect(JSON.parse(audit[0]!.new_values)).toMatchObject({ source: 'api', number: input.number, purchaseOrder: 'PO-API-1' });
    const events = (await eventsOf(db, 'invoice.submitted')).filter((e) => e.invoiceId === id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ invoiceNumber: input.number, totals: { gross: '47.69' } });

    const read = await api.supplier.get<Json>(`/invoices/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('refuses a body off the schema with the portal’s codes, each at its pointer, storing nothing', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM invoices');
    const { number: _n, ...noNumber } = invoice();
    let res = await api.supplier.post('/invoices', { ...noNumber, lines: [{ ...invoice().lines[0], poLine: 'ten' }], extra: 1 });
    expect(res.status).toBe(400);
    expect((res.body as Problem).code).toBe('invalid_input');
    expect(errorsOf(res)).toEqual(
      expect.arrayContaining([
        { at: '/number', code: 'common.required' },
        { at: '/lines/0/poLine', code: 'events.type', params: { type: 'integer' } },
        { at: '/extra', code: 'events.unknownField' },
      ]),
    );
    res = await api.supplier.post('/invoices', { ...invoice(), lines: [{ poLine: 10, gtin: gtinA }] });
    expect(res.status).toBe(400);
    expect(errorsOf(res).map((e) => e.at).sort()).toEqual(['/lines/0/lineNet', '/lines/0/quantity', '/lines/0/taxRate', '/lines/0/unitPrice']);
    expect(await count('SELECT COUNT(*) AS n FROM invoices')).toBe(before);
  });

  it('answers every problem of the use case at once, each with a pointer into the request', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM invoices');
    const res = await api.supplier.post('/invoices', {
      ...invoice(),
      invoiceDate: '2026-02-30',
      currency: 'USD',
      lines: [
        { poLine: 99, gtin: gtinA, quantity: '0', unitPrice: 'abc', taxRate: '130', lineNet: '1.234' },
        { poLine: 10, gtin: gtinB, quantity: '1', unitPrice: '3.85', taxRate: '13', lineNet: '3.85' },
      ],
      grossTotal: '1',
    });
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([
      { at: '/invoiceDate', code: 'invoices.badDate' },
      { at: '/currency', code: 'invoices.currencyDiffers', params: { currency: 'EUR' } },
      { at: '/lines/0/poLine', code: 'invoices.unknownPoLine', params: { po: 'PO-API-1' } },
      { at: '/lines/0/quantity', code: 'invoices.badQuantity' },
      { at: '/lines/0/unitPrice', code: 'invoices.badAmount', params: { places: 4 } },
      { at: '/lines/0/taxRate', code: 'invoices.badTaxRate' },
      { at: '/lines/0/lineNet', code: 'invoices.badAmount', params: { places: 2 } },
      { at: '/lines/1/gtin', code: 'invoices.gtinDiffers', params: { gtin: gtinA } },
      { at: '/grossTotal', code: 'invoices.grossDiffers', params: { given: '1', expected: '47.69' } },
    ]);
    // Another supplier's order is not one of yours (as in the portal), a closed one takes no invoice.
    const theirs = await api.supplier.post('/invoices', invoice({ purchaseOrder: 'PO-API-NINGBO' }));
    expect(errorsOf(theirs)).toEqual([{ at: '/purchaseOrder', code: 'invoices.unknownPurchaseOrder' }]);
    const closed = await api.supplier.post('/invoices', invoice({ purchaseOrder: 'PO-API-CLOSED' }));
    expect(errorsOf(closed)).toEqual([{ at: '/purchaseOrder', code: 'invoices.closedPurchaseOrder', params: { status: 'closed' } }]);
    expect(await count('SELECT COUNT(*) AS n FROM invoices')).toBe(before);
  });

  it('refuses a number the supplier used before, naming that invoice', async () => {
    const first = await api.supplier.post<Json>('/invoices', invoice({ number: 'API-DUP-1' }));
    expect(first.status).toBe(201);
    const again = await api.supplier.post('/invoices', invoice({ number: 'API-DUP-1' }));
    expect(again.status).toBe(400);
    expect(errorsOf(again)).toEqual([{ at: '/number', code: 'invoices.duplicate', params: { number: 'API-DUP-1', id: first.body.id, date: (first.body.submittedAt as string).slice(0, 10) } }]);
  });

  it('answers a retry with the same Idempotency-Key with the first answer: one invoice, one audit entry, one event', async () => {
    const input = invoice();
    const headers = { 'Idempotency-Key': `inv-${input.number}` };
    const first = await api.supplier.post<Json>('/invoices', input, { headers });
    const retry = await api.supplier.post<Json>('/invoices', input, { headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('Location')).toBe(first.headers.get('Location'));
    expect(await count('SELECT COUNT(*) AS n FROM invoices WHERE invoice_number = ?', [input.number])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'invoice.submitted' AND entity_id = ?", [first.body.id as string])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'invoice.submitted' AND aggregate_id = ?", [first.body.id as string])).toBe(1);
    // The same key with another body is refused.
    const other = await api.supplier.post('/invoices', { ...input, paymentTerms: 'other' }, { headers });
    expect(other.status).toBe(422);
  });

  it('refuses a key without invoices:write (403), and a revoked or expired key (401), storing nothing', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM invoices');
    for (const client of [api.invoicesRead, api.ordersOnly]) {
      const res = await client.post('/invoices', invoice());
      expect(res.status).toBe(403);
      expect((res.body as Problem).code).toBe('forbidden');
    }
    for (const client of [api.revoked, api.expired, api.supplier.withToken(undefined)]) {
      expect((await client.post('/invoices', invoice())).status).toBe(401);
    }
    expect(await count('SELECT COUNT(*) AS n FROM invoices')).toBe(before);
  });
});

describe('GET /invoices and /invoices/{invoiceId}', () => {
  it('pages through the supplier’s own invoices to the end, neither repeating nor skipping one when invoices are added between pages', async () => {
    const actor = await actorFor(db, supplier.email);
    for (let i = 0; i < 5; i++) await submitInvoice(ctx, actor, oneLine(10, 1));
    // Another supplier's invoice is never listed.
    await submitInvoice(ctx, await actorFor(db, ningbo.email), invoice({ purchaseOrder: 'PO-API-NINGBO' }));
    const added: string[] = [];
    const { ids, pages } = await allPages(api.supplier, '/invoices?limit=2', async (page) => {
      if (page === 1) {
        const inv = await api.supplier.post<Json>('/invoices', oneLine(20, 2));
        expect(inv.status).toBe(201);
        added.push(inv.body.id as string);
      }
    });
    const mine = await db.all<{ id: string }>('SELECT id FROM invoices WHERE organisation_id = ? ORDER BY submitted_at DESC, id DESC', [actor.organisationId]);
    expect(pages).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
    // Newest first: the one added after page 2 is newer than every row handed out, so it is not among them; every other is, once, in order.
    expect(ids).toEqual(mine.map((r) => r.id).filter((id) => !added.includes(id)));
    // Oldest first, it comes last, after every row that was there before.
    const asc = await allPages(api.supplier, '/invoices?limit=3&order=asc', async (page) => {
      if (page === 0) added.push(((await submitInvoice(ctx, actor, oneLine(20, 2))).id));
    });
    const mineAsc = await db.all<{ id: string }>('SELECT id FROM invoices WHERE organisation_id = ? ORDER BY submitted_at, id', [actor.organisationId]);
    expect(asc.ids).toEqual(mineAsc.map((r) => r.id));
  });

  it('sorts and filters as the portal’s list: by number, by the ERP’s latest status', async () => {
    const { ids } = await allPages(api.supplier, '/invoices?sort=number&order=asc&limit=4');
    const actor = await actorFor(db, supplier.email);
    const byNumber = await db.all<{ id: string }>('SELECT id FROM invoices WHERE organisation_id = ? ORDER BY invoice_number, id', [actor.organisationId]);
    expect(ids).toEqual(byNumber.map((r) => r.id));
    const none = await api.supplier.get<Page>('/invoices?erpStatus=none&limit=200');
    expect(none.body.items.length).toBeGreaterThan(0);
    expect(none.body.items.every((i) => i.erpStatus === null)).toBe(true);
    const bad = await api.supplier.get('/invoices?erpStatus=lost&sort=amount&cursor=%25%25');
    expect(bad.status).toBe(400);
    expect(errorsOf(bad).map((e) => e.at).sort()).toEqual(['query:erpStatus', 'query:sort']);
    const badCursor = await api.supplier.get('/invoices?cursor=not-a-cursor');
    expect(errorsOf(badCursor)).toEqual([{ at: 'query:cursor', code: 'api.badCursor' }]);
  });

  it('shows every status the ERP posts to /erp/webhooks in the invoice’s timeline, with a new ETag', async () => {
    const created = await api.supplier.post<Json>('/invoices', invoice({ number: 'API-STATUS-1' }));
    const path = `/invoices/${created.body.id as string}`;
    const first = await api.supplier.get<Json>(path);
    const etag = first.headers.get('ETag')!;
    expect(etag).toMatch(/^"/);
    expect((await api.supplier.get(path, { headers: { 'If-None-Match': etag } })).status).toBe(304);

    const status = (s: Json, occurredAt: string) => erp('invoice.status_changed', { invoiceNumber: 'API-STATUS-1', supplier: { erpId: 'V-10001' }, occurredAt, ...s });
    expect((await status({ status: 'received' }, '2026-03-20T09:00:00Z')).status).toBe(200);
    expect((await status({ status: 'disputed', reason: 'quantity differs from goods receipt' }, '2026-03-21T09:00:00Z')).status).toBe(200);
    const changed = await api.supplier.get<Json>(path, { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('ETag')).not.toBe(etag);
    expect((changed.body.erpStatuses as Json[]).map((s) => [s.status, s.reason, s.occurredAt])).toEqual([
      ['received', null, '2026-03-20T09:00:00Z'],
      ['disputed', 'quantity differs from goods receipt', '2026-03-21T09:00:00Z'],
    ]);
    expect(changed.body.erpStatus).toMatchObject({ status: 'disputed', reason: 'quantity differs from goods receipt', paidOn: null });
    const paid = await status({ status: 'paid', paidOn: '2026-04-18' }, '2026-04-18T09:00:00Z');
    expect(paid.status).toBe(200);
    const after = await api.supplier.get<Json>(path, { headers: { 'If-None-Match': changed.headers.get('ETag')! } });
    expect(after.status).toBe(200);
    expect(after.body.erpStatus).toMatchObject({ status: 'paid', paidOn: '2026-04-18' });
    // The list shows the latest status, and filters by it.
    const list = await api.supplier.get<Page>('/invoices?erpStatus=paid&limit=200');
    expect(list.body.items.find((i) => i.id === created.body.id)).toMatchObject({ number: 'API-STATUS-1', erpStatus: { status: 'paid', paidOn: '2026-04-18' } });
  });

  it('answers 404 for another supplier’s invoice and an unknown one, 403 without invoices:read, 401 for a revoked or expired key', async () => {
    const theirs = await submitInvoice(ctx, await actorFor(db, ningbo.email), invoice({ purchaseOrder: 'PO-API-NINGBO' }));
    const res = await api.supplier.get(`/invoices/${theirs.id}`);
    expect(res.status).toBe(404);
    expect((res.body as Problem).code).toBe('not_found');
    expect((await api.supplier.get('/invoices/inv_nosuchinvoice')).status).toBe(404);
    expect((await api.ningbo.get(`/invoices/${theirs.id}`)).status).toBe(200);
    const ningboList = await allPages(api.ningbo, '/invoices');
    expect(ningboList.ids).toContain(theirs.id);
    expect(await count(`SELECT COUNT(*) AS n FROM invoices WHERE id IN (${ningboList.ids.map(() => '?').join(', ')}) AND organisation_id <> ?`, [...ningboList.ids, theirs.supplier.organisationId])).toBe(0);

    for (const path of ['/invoices', `/invoices/${theirs.id}`]) {
      expect((await api.ordersOnly.get(path)).status).toBe(403);
      expect((await api.revoked.get(path)).status).toBe(401);
      expect((await api.expired.get(path)).status).toBe(401);
    }
    // invoices:write reads too.
    expect((await api.invoicesOnly.get('/invoices')).status).toBe(200);
  });
});

describe('GET /orders and /orders/{orderId}', () => {
  it('pages through the supplier’s own orders to the end, with the portal’s state filter, while orders arrive between pages', async () => {
    const actor = await actorFor(db, supplier.email);
    const { ids } = await allPages(api.supplier, '/orders?limit=2', async (page) => {
      if (page === 0) expect((await erp('purchase_order.created', order(`PO-API-LATE-${page}`, { orderDate: '2020-01-01' }))).status).toBe(200);
    });
    const mine = await db.all<{ id: string }>('SELECT id FROM purchase_orders WHERE supplier_organisation_id = ? ORDER BY order_date DESC, id DESC', [actor.organisationId]);
    expect(new Set(ids).size).toBe(ids.length);
    // The late order is older than every order listed, so the last page holds it.
    expect(ids).toEqual(mine.map((r) => r.id));
    const ningboPo = await db.get<{ id: string }>("SELECT id FROM purchase_orders WHERE po_number = 'PO-API-NINGBO'");
    expect(ids).not.toContain(ningboPo!.id);

    const closed = await api.supplier.get<Page>('/orders?state=closed&limit=200');
    expect(closed.body.items.map((o) => o.poNumber)).toContain('PO-API-CLOSED');
    expect(closed.body.items.every((o) => o.state === 'closed')).toBe(true);
    const toConfirm = await api.supplier.get<Page>('/orders?state=toConfirm&limit=200&order=asc');
    expect(toConfirm.body.items.find((o) => o.poNumber === 'PO-API-ANSWER')).toEqual({
      id: expect.any(String),
      poNumber: 'PO-API-ANSWER',
      orderDate: '2026-03-02',
      version: 1,
      currency: 'EUR',
      state: 'toConfirm',
      lineCount: 2,
      deliveryDate: '2026-04-01',
    });
    const bad = await api.supplier.get('/orders?state=open');
    expect(errorsOf(bad)).toEqual([{ at: 'query:state', code: 'events.oneOf', params: { allowed: 'toConfirm, confirmed, toInvoice, rejected, closed' } }]);
  });

  it('shows an order with its lines, what was invoiced on each and the answers; 404 for another supplier’s, 403 without orders:read, 401 revoked or expired', async () => {
    const id = (await db.get<{ id: string }>("SELECT id FROM purchase_orders WHERE po_number = 'PO-API-1'"))!.id;
    const res = await api.supplier.get<Json>(`/orders/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, poNumber: 'PO-API-1', orderDate: '2026-03-02', currency: 'EUR', erpStatus: 'open', version: 1, answers: [] });
    const lines = res.body.lines as Json[];
    expect(lines.map((l) => [l.lineNumber, l.gtin, l.quantity, l.unitPrice, l.deliveryDate, l.lots, l.delivered])).toEqual([
      [10, gtinA, 5000, '3.85', '2026-04-01', [], 0],
      [20, gtinB, 2000, '1.2345', '2026-04-01', [], 0],
    ]);
    const invoiced = await db.all<{ po_line_number: number; q: number }>(
      'SELECT il.po_line_number, SUM(CAST(il.quantity AS REAL)) AS q FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id WHERE i.purchase_order_id = ? GROUP BY il.po_line_number ORDER BY 1',
      [id],
    );
    expect(lines.map((l) => Number(l.invoiced))).toEqual(invoiced.map((r) => r.q));

    const theirs = (await db.get<{ id: string }>("SELECT id FROM purchase_orders WHERE po_number = 'PO-API-NINGBO'"))!.id;
    expect((await api.supplier.get(`/orders/${theirs}`)).status).toBe(404);
    expect((await api.ningbo.get(`/orders/${theirs}`)).status).toBe(200);
    for (const path of ['/orders', `/orders/${id}`]) {
      expect((await api.invoicesOnly.get(path)).status).toBe(403);
      expect((await api.revoked.get(path)).status).toBe(401);
      expect((await api.expired.get(path)).status).toBe(401);
    }
  });
});

describe('POST /orders/{orderId}/response', () => {
  const orderId = async (po: string) => (await db.get<{ id: string }>('SELECT id FROM purchase_orders WHERE po_number = ?', [po]))!.id;
  const answers = (id: string) => count("SELECT COUNT(*) AS n FROM edi_documents WHERE kind = 'purchase_order_response' AND refers_to_id = ?", [id]);

  it('refuses what the portal refuses, each problem at its pointer, recording nothing', async () => {
    const id = await orderId('PO-API-ANSWER');
    const post = (body: unknown) => api.supplier.post(`/orders/${id}/response`, body);
    let res = await post({ answer: 'maybe' });
    expect(errorsOf(res)).toEqual([{ at: '/answer', code: 'events.oneOf', params: { allowed: 'accept, reject, change' } }]);
    res = await post({ answer: 'change', lines: [{ lineNumber: 30, quantity: '1' }, { lineNumber: 10, quantity: 'lots', deliveryDate: '2026-13-01' }] });
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([
      { at: '/lines/0/lineNumber', code: 'orders.unknownPoLine', params: { line: '30', po: 'PO-API-ANSWER' } },
      { at: '/lines/1/quantity', code: 'orders.badQuantity', params: { value: 'lots' } },
      { at: '/lines/1/deliveryDate', code: 'orders.badDate', params: { value: '2026-13-01' } },
    ]);
    res = await post({ answer: 'change' });
    expect(errorsOf(res)).toEqual([{ at: '/lines', code: 'orders.noLines' }]);
    res = await post({ answer: 'accept', lines: [{ lineNumber: 10 }] });
    expect(errorsOf(res)).toEqual([{ at: '/lines', code: 'orders.linesOnlyWithChange' }]);
    res = await post({ answer: 'reject', note: 'x'.repeat(2001) });
    expect(errorsOf(res)).toEqual([{ at: '/note', code: 'orders.noteTooLong', params: { max: 2000 } }]);
    const closed = await api.supplier.post(`/orders/${await orderId('PO-API-CLOSED')}/response`, { answer: 'accept' });
    expect(closed.status).toBe(400);
    expect(errorsOf(closed)).toEqual([{ at: 'path:orderId', code: 'orders.orderClosed', params: { po: 'PO-API-CLOSED', status: 'closed' } }]);
    expect(await answers(id)).toBe(0);
  });

  it('records a change through the same use case: source api, audited under the key, announced to the ERP; the order is then confirmed', async () => {
    const id = await orderId('PO-API-ANSWER');
    const res = await api.supplier.post<Json>(`/orders/${id}/response`, { answer: 'change', lines: [{ lineNumber: 20, status: 'accepted', quantity: '1500', deliveryDate: '2026-04-20' }], note: 'Line 20: 1,500 now.' });
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe(`/api/v1/orders/${id}`);
    expect(res.body).toMatchObject({
      responseNumber: 'PO-API-ANSWER-R1',
      status: 'changed',
      source: 'api',
      version: 1,
      note: 'Line 20: 1,500 now.',
      lines: [
        { lineNumber: 20, gtin: gtinB, status: 'changed', quantity: '1500', deliveryDate: '2026-04-20' },
        { lineNumber: 10, gtin: gtinA, status: 'accepted', quantity: '5000', deliveryDate: '2026-04-01' },
      ],
    });
    expect(await db.get("SELECT source, interchange_id FROM edi_documents WHERE id = ?", [res.body.id as string])).toEqual({ source: 'api', interchange_id: null });
    const audit = await db.all<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'purchase_order.responded' AND entity_id = ?", [id]);
    expect(audit.map((a) => JSON.parse(a.new_values) as Json)).toEqual([expect.objectContaining({ response: res.body.id, source: 'api', status: 'changed' })]);
    const events = (await eventsOf(db, 'purchase_order.responded')).filter((e) => e.documentId === res.body.id);
    expect(events).toEqual([expect.objectContaining({ source: 'api', status: 'changed' })]);

    const detail = await api.supplier.get<Json>(`/orders/${id}`);
    expect(detail.body.state).toBe('confirmed');
    expect(detail.body.answers).toEqual([res.body]);
    // The portal's order page says where the answer came from, in the reader's language.
    const { person } = await signedInClients(server, db, { person: supplier.email });
    const html = await (await person.get(`/orders/${id}`)).text();
    expect(html).toContain('through the REST API (<span class="nowrap">PO-API-ANSWER-R1</span>)');
  });

  it('answers a retry with the same Idempotency-Key with the first answer: one record, one audit entry, one event; 404 for another supplier’s order; 403 and 401', async () => {
    const id = await orderId('PO-API-RETRY');
    const headers = { 'Idempotency-Key': 'answer-po-api-retry' };
    const first = await api.supplier.post<Json>(`/orders/${id}/response`, { answer: 'accept' }, { headers });
    const retry = await api.supplier.post<Json>(`/orders/${id}/response`, { answer: 'accept' }, { headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(first.body).toMatchObject({ status: 'accepted', source: 'api' });
    expect(await answers(id)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'purchase_order.responded' AND entity_id = ?", [id])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'purchase_order.responded' AND aggregate_id = ?", [first.body.id as string])).toBe(1);
    // The same response number again (without the key) is a conflict, as in the portal.
    const again = await api.supplier.post(`/orders/${id}/response`, { answer: 'reject', responseNumber: first.body.responseNumber });
    expect(again.status).toBe(409);
    expect(errorsOf(again)).toEqual([{ at: '/responseNumber', code: 'orders.duplicateResponse', params: expect.objectContaining({ number: first.body.responseNumber }) }]);

    const theirs = await orderId('PO-API-NINGBO');
    expect((await api.supplier.post(`/orders/${theirs}/response`, { answer: 'accept' })).status).toBe(404);
    expect((await api.supplier.post('/orders/po_nosuchorder/response', { answer: 'accept' })).status).toBe(404);
    expect(await answers(theirs)).toBe(0);
    const readOnly = new ApiClient(server.url, (await createTestApiKey(ctx, supplier.email, { scopes: ['orders:read'] })).token);
    expect((await readOnly.post(`/orders/${id}/response`, { answer: 'reject' })).status).toBe(403);
    expect((await api.invoicesOnly.post(`/orders/${id}/response`, { answer: 'reject' })).status).toBe(403);
    expect((await api.revoked.post(`/orders/${id}/response`, { answer: 'reject' })).status).toBe(401);
    expect((await api.expired.post(`/orders/${id}/response`, { answer: 'reject' })).status).toBe(401);
    expect(await answers(id)).toBe(1);
  });
});

describe('the OpenAPI document', () => {
  it('documents each invoice and order operation with examples that match their own schemas', async () => {
    const text = await (await fetch(`${server.url}/api/v1/openapi.json`)).text();
    const doc = JSON.parse(text) as { paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { example?: unknown }> }; responses: Record<string, { content?: Record<string, { example?: unknown }> }> }>> };
    const dir = tempDir('lotbridge-openapi-');
    const file = join(dir.dir, 'openapi.json');
    writeFileSync(file, text);
    const segment = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));
    const operations: string[] = [];
    let examples = 0;
    try {
      for (const [path, methods] of Object.entries(doc.paths)) {
        if (!/^\/(invoices|orders)\b/.test(path)) continue;
        for (const [method, op] of Object.entries(methods)) {
          operations.push(op.operationId);
          const contents: [string, { example?: unknown } | undefined][] = [
            ['requestBody', op.requestBody?.content['application/json']],
            ...Object.entries(op.responses).map(([status, r]): [string, { example?: unknown } | undefined] => [`responses/${status}`, r.content?.['application/json']]),
          ];
          for (const [where, content] of contents) {
            if (content?.example === undefined) continue;
            examples++;
            const output = await validate(`file://${file}#/paths/${segment(path)}/${method}/${where}/content/application~1json/schema`, content.example as never, 'BASIC');
            expect(output.valid ? [] : output.errors, `${op.operationId} ${where}`).toEqual([]);
          }
        }
      }
    } finally {
      dir.remove();
    }
    expect(operations.sort()).toEqual(['answerOrder', 'getInvoice', 'getOrder', 'listInvoices', 'listOrders', 'submitInvoice']);
    expect(examples).toBeGreaterThanOrEqual(4);
  });
});
