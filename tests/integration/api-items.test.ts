// /api/v1/items against the real server and its SQLite file, every answer checked against the
// served OpenAPI document: a supplier's key sees the items on its purchase orders and its lots, a
// distributor's the items shipped to it, nobody another partner's; one item by GTIN (any length),
// not found when the caller may not see it; GTIN-ordered keyset pages to the end while items
// arrive; the filters; 403 without items:read, 401 for a revoked, expired or missing key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { applyShipmentDispatched } from '../../shared/erp/apply-shipment-dispatched.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import type { RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { ApiClient, createTestApiKey, type ApiAnswer } from '../support/api.ts';
import { refusedClients } from '../support/api-refused-keys.ts';

const supplier = demo('supplier_user');
const distributor = demo('distributor_user');
const other = { email: 'quality@ningbo-items.example', displayName: 'Ningbo Items', password: 'ningbo-items-supplier-pass' };

const gtin = (first13: string) => first13 + gtinCheckDigit(first13);
const ordered = [gtin('0950600017001'), gtin('0950600017002'), gtin('0950600017003')]; // on the supplier's order
const delivered = gtin('0950600017010'); // a lot of the supplier's, on no order
const shipped = gtin('0950600017020'); // shipped to the distributor
const othersOnly = gtin('0950600017030'); // on the other supplier's order
const nobodys = gtin('0950600017040');

interface ApiItem {
  gtin: string;
  description: string;
  unitOfMeasure: string;
  deviceClass: string | null;
  tradeName: string | null;
  model: string | null;
  updatedAt: string;
}
interface Page {
  items: ApiItem[];
  nextCursor: string | null;
}

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
const api: Record<'supplier' | 'distributor' | 'other' | 'lotsOnly' | 'revoked' | 'expired' | 'none', ApiClient> = {} as never;
let poSeq = 0;

async function order(supplierErpId: string, gtins: string[]) {
  await db.transaction(async (tx) => {
    for (const g of gtins) await applyItemUpserted(tx, systemClock, { gtin: g, description: `Catheter ${g.slice(-4)}`, unitOfMeasure: 'EA', deviceClass: 'II', model: `M-${g.slice(-3)}` });
    await applyPurchaseOrder(tx, systemClock, {
      poNumber: `45000171${String(++poSeq).padStart(2, '0')}`,
      supplier: { erpId: supplierErpId },
      status: 'open',
      currency: 'EUR',
      orderDate: '2026-01-15',
      version: 1,
      lines: gtins.map((g, i) => ({ lineNumber: i + 1, gtin: g, quantity: 10, unitPrice: '1.00' })),
    });
  });
}

/** Every page from the first, `between` called after each. */
async function allPages(client: ApiClient, query: string, between: () => Promise<void> = async () => {}): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 50; n++) {
    const res: ApiAnswer<Page> = await client.get<Page>(`/items?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, res.text).toBe(200);
    seen.push(...res.body.items.map((i) => i.gtin));
    cursor = res.body.nextCursor;
    if (!cursor) return seen;
    await between();
  }
  throw new Error('no last page');
}

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'api items test' };
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo Items Ltd.', kind: 'supplier', erpId: 'V-17080' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
  await order('V-10001', ordered);
  await order('V-17080', [othersOnly]);
  await db.transaction(async (tx) => {
    for (const g of [delivered, shipped, nobodys]) await applyItemUpserted(tx, systemClock, { gtin: g, description: `Item ${g.slice(-4)}`, unitOfMeasure: 'BX' });
    await applyShipmentDispatched(tx, systemClock, { shipmentNumber: 'SH-17-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-03-01T08:00:00.000Z', lines: [{ gtin: shipped, lot: 'L1', quantity: 5 }] });
  });
  const client = new ApiClient(server.url);
  const supplierKey = await createTestApiKey(ctx, supplier.email);
  api.supplier = client.withToken(supplierKey.token);
  api.distributor = client.withToken((await createTestApiKey(ctx, distributor.email, { scopes: ['items:read'] })).token);
  api.other = client.withToken((await createTestApiKey(ctx, other.email, { scopes: ['items:read'] })).token);
  api.lotsOnly = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['lots:write'] })).token);
  Object.assign(api, await refusedClients(ctx, server.url, supplier.email, ['items:read']));
  // The supplier delivers a lot of an item it was never ordered: from then on it sees that item.
  const lot = await api.supplier.post('/lots', { lots: [{ gtin: delivered, lot: 'ITEMS-1', quantity: 1 }] });
  expect(lot.status, lot.text).toBe(201);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('GET /items', () => {
  it('shows each partner the items it may see, in GTIN order', async () => {
    expect(await allPages(api.supplier, 'limit=200')).toEqual([...ordered, delivered]);
    expect(await allPages(api.distributor, 'limit=200')).toEqual([shipped]);
    expect(await allPages(api.other, 'limit=200')).toEqual([othersOnly]);
    const first = await api.supplier.get<Page>('/items?limit=1');
    expect(first.body.items).toEqual([{ gtin: ordered[0], description: `Catheter ${ordered[0]!.slice(-4)}`, unitOfMeasure: 'EA', deviceClass: 'II', tradeName: null, model: `M-${ordered[0]!.slice(-3)}`, updatedAt: expect.any(String) }]);
  });

  it('pages to the end without repeats or gaps while items arrive', async () => {
    const before = await allPages(api.supplier, 'limit=200');
    const added: string[] = [];
    const seen = await allPages(api.supplier, 'limit=1', async () => {
      if (added.length === 3) return;
      // Each new item sorts after everything before it: it is on a later page.
      const g = gtin(`09506000172${String(added.length).padStart(2, '0')}`);
      await order('V-10001', [g]);
      added.push(g);
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...before, ...added]);
  });

  it('filters by GTIN and by text', async () => {
    expect(await allPages(api.supplier, `gtin=${ordered[1]!.slice(1, 13)}`)).toEqual([ordered[1]]);
    expect(await allPages(api.supplier, `q=${encodeURIComponent(`M-${ordered[2]!.slice(-3)}`)}`)).toEqual([ordered[2]]);
    expect(await allPages(api.supplier, 'q=Item')).toEqual([delivered]);
  });

  it('refuses a key without items:read (403) and a revoked, expired or missing key (401)', async () => {
    expect((await api.lotsOnly.get('/items')).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get('/items')).status).toBe(401);
  });
});

describe('GET /items/{gtin}', () => {
  it('answers an item the caller may see, by GTIN-13 or GTIN-14', async () => {
    const res = await api.supplier.get<ApiItem>(`/items/${ordered[0]!.slice(1)}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.gtin).toBe(ordered[0]);
    expect((await api.supplier.get<ApiItem>(`/items/${delivered}`)).status).toBe(200);
    expect((await api.distributor.get<ApiItem>(`/items/${shipped}`)).body.gtin).toBe(shipped);
  });

  it('is not found for an item of another partner, of nobody, or not a GTIN', async () => {
    for (const g of [othersOnly, nobodys, shipped, '09506000170019']) expect((await api.supplier.get(`/items/${g}`)).status).toBe(404);
    expect((await api.distributor.get(`/items/${ordered[0]}`)).status).toBe(404);
    expect((await api.supplier.get('/items/abc')).status).toBe(400);
  });

  it('refuses a key without items:read (403) and a revoked, expired or missing key (401)', async () => {
    expect((await api.lotsOnly.get(`/items/${ordered[0]}`)).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get(`/items/${ordered[0]}`)).status).toBe(401);
  });
});
