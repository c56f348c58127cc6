// /api/v1/lots against the real server and its SQLite file, every answer checked against the
// served OpenAPI document by the independent validator of tests/support/api.ts: a supplier's key
// submits lots (one, many, all or nothing, keepValid), each a record of source 'api' audited under
// the key's technical user and announced as lot.submitted; every problem points into the request
// (`/lots/1/gtin`); another supplier's lots are not found; a key without the scope is refused
// (403), a revoked or expired one not recognised (401); a retry with the same Idempotency-Key
// stores nothing twice; the list pages to the end without repeats or gaps while lots arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import type { RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';
import { ApiClient, createTestApiKey, type ApiAnswer } from '../support/api.ts';
import { refusedClients } from '../support/api-refused-keys.ts';

const supplier = demo('supplier_user');
const other = { email: 'quality@ningbo-api.example', displayName: '陈刚 (Chen Gang)', password: 'ningbo-api-supplier-pass' };

const gtin = (first13: string) => first13 + gtinCheckDigit(first13);
const itemGtin = gtin('0950600013435'); // an item on no order
const lineGtin = gtin('0950600013436'); // PO line 1 (10 ordered)
const line2Gtin = gtin('0950600013437'); // PO line 2 (5 ordered)
const po = '4500017001';
const otherPo = '4500017999';

interface FieldError {
  pointer?: string;
  parameter?: string;
  code: string;
  params?: Record<string, unknown>;
  detail: string;
}
interface Problem {
  status: number;
  code: string;
  errors?: FieldError[];
}
interface ApiLot {
  id: string;
  gtin: string;
  lot: string;
  serials: string[];
  manufactureDate: string | null;
  expiryDate: string | null;
  quantity: number;
  purchaseOrder: { poNumber: string; lineNumber: number } | null;
  source: string;
  submittedBy: { id: string; name: string };
}
interface Submitted {
  lots: ApiLot[];
  rejected: FieldError[];
  warnings: FieldError[];
}
interface Page {
  items: { id: string; lot: string; expiryDate: string | null; submittedAt: string }[];
  nextCursor: string | null;
}

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
const api: Record<'writer' | 'reader' | 'certificatesOnly' | 'other' | 'revoked' | 'expired' | 'none', ApiClient> = {} as never;
let writerUserId: string;
let otherLotId: string;

let seq = 0;
const run = Date.now().toString(36).slice(-4).toUpperCase();
const nextLot = (tag = 'A') => `${tag}${run}-${++seq}`;
const count = async (sql: string, args: (string | number)[] = []) => (await db.get<{ n: number }>(sql, args))!.n;
const lotCount = () => count('SELECT COUNT(*) AS n FROM lots');

/** The field errors of a problem answer, as pointer → code. */
const errorsOf = (a: ApiAnswer) => Object.fromEntries(((a.body as Problem).errors ?? []).map((e) => [e.pointer ?? `${e.parameter}`, e.code]));

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'api lots test' };
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo API Ltd.', kind: 'supplier', erpId: 'V-17078' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
  await db.transaction(async (tx) => {
    for (const g of [itemGtin, lineGtin, line2Gtin]) await applyItemUpserted(tx, systemClock, { gtin: g, description: `Item ${g}`, unitOfMeasure: 'EA' });
    await applyPurchaseOrder(tx, systemClock, {
      poNumber: po,
      supplier: { erpId: 'V-10001' },
      status: 'open',
      currency: 'EUR',
      orderDate: '2026-01-15',
      version: 1,
      lines: [
        { lineNumber: 1, gtin: lineGtin, quantity: 10, unitPrice: '12.50' },
        { lineNumber: 2, gtin: line2Gtin, quantity: 5, unitPrice: '3.10' },
      ],
    });
    await applyPurchaseOrder(tx, systemClock, { poNumber: otherPo, supplier: { erpId: 'V-17078' }, status: 'open', currency: 'EUR', orderDate: '2026-01-15', version: 1, lines: [{ lineNumber: 1, gtin: lineGtin, quantity: 10, unitPrice: '12.50' }] });
  });
  const client = new ApiClient(server.url);
  const writer = await createTestApiKey(ctx, supplier.email);
  writerUserId = writer.userId;
  api.writer = client.withToken(writer.token);
  api.reader = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['lots:read'] })).token);
  api.certificatesOnly = client.withToken((await createTestApiKey(ctx, supplier.email, { scopes: ['certificates:write'] })).token);
  api.other = client.withToken((await createTestApiKey(ctx, other.email)).token);
  Object.assign(api, await refusedClients(ctx, server.url, supplier.email));

  const res = await api.other.post<Submitted>('/lots', { lots: [{ gtin: lineGtin, lot: nextLot('N'), quantity: 1, poNumber: otherPo }] });
  expect(res.status, res.text).toBe(201);
  otherLotId = res.body.lots[0]!.id;
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('POST /lots', () => {
  it('stores a lot as the form does, of source api, audited under the key and announced to the ERP', async () => {
    const lot = nextLot();
    const res = await api.writer.post<Submitted>('/lots', {
      lots: [{ gtin: lineGtin.slice(1), lot, serials: ['S1', 'S2'], manufactureDate: '2026-01-10', expiryDate: '2030-12-31', quantity: 2, poNumber: po, poLine: 1, certificateNote: 'CoC follows' }],
    });
    expect(res.status, res.text).toBe(201);
    const [stored] = res.body.lots;
    expect(stored).toMatchObject({
      gtin: lineGtin,
      lot,
      serials: ['S1', 'S2'],
      manufactureDate: '2026-01-10',
      expiryDate: '2030-12-31',
      quantity: 2,
      purchaseOrder: { poNumber: po, lineNumber: 1 },
      certificate: null,
      certificateNote: 'CoC follows',
      source: 'api',
      state: 'submitted',
      submittedBy: { id: writerUserId },
    });
    expect(res.body.rejected).toEqual([]);
    expect(res.headers.get('Location')).toBe(`/api/v1/lots/${stored!.id}`);
    expect(await db.get('SELECT source, submitted_by, gtin, serials FROM lots WHERE id = ?', [stored!.id])).toEqual({ source: 'api', submitted_by: writerUserId, gtin: lineGtin, serials: '["S1","S2"]' });
    const audit = await db.all<{ actor_id: string; action: string; new_values: string }>("SELECT actor_id, action, new_values FROM audit_log WHERE entity_type = 'lot' AND entity_id = ?", [stored!.id]);
    expect(audit.map((a) => [a.actor_id, a.action])).toEqual([[writerUserId, 'lot.submitted']]);
    expect(JSON.parse(audit[0]!.new_values)).toMatchObject({ source: 'api', lot });
    const events = await db.all<Record<string, unknown>>("SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE aggregate_type = 'lot' AND aggregate_id = ?", [stored!.id]);
    expect(events).toHaveLength(1);
    const event = validateEvent(JSON.parse(webhookBody(events[0] as never)), 'outbound');
    expect(event).toMatchObject({ type: 'lot.submitted', data: { source: 'api', lot } });
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('stores many lots of one request in their order', async () => {
    const lots = [nextLot(), nextLot()];
    const res = await api.writer.post<Submitted>('/lots', { lots: [{ gtin: itemGtin, lot: lots[0], quantity: 1 }, { gtin: line2Gtin, lot: lots[1], quantity: 1, poNumber: po }] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.lots.map((l) => [l.lot, l.purchaseOrder])).toEqual([
      [lots[0], null],
      [lots[1], { poNumber: po, lineNumber: 2 }],
    ]);
    expect(res.headers.get('Location')).toBeNull();
  });

  describe('refuses, pointing into the request, and stores nothing', () => {
    const cases: [name: string, lot: Record<string, unknown>, pointer: string, code: string][] = [
      ['a GTIN missing (schema)', { lot: 'X', quantity: 1 }, '/lots/1/gtin', 'common.required'],
      ['a quantity that is not a number (schema)', { gtin: itemGtin, lot: 'X', quantity: 'two' }, '/lots/1/quantity', 'events.type'],
      ['a field it does not know (schema)', { gtin: itemGtin, lot: 'X', quantity: 1, colour: 'red' }, '/lots/1/colour', 'events.unknownField'],
      ['a wrong check digit', { gtin: '09506000134353', lot: 'X', quantity: 1 }, '/lots/1/gtin', 'lots.badGtin'],
      ['a GTIN the ERP does not know', { gtin: gtin('0950600099999'), lot: 'X', quantity: 1 }, '/lots/1/gtin', 'lots.unknownGtin'],
      ["another supplier's order", { gtin: lineGtin, lot: 'X', quantity: 1, poNumber: otherPo }, '/lots/1/poNumber', 'lots.unknownPurchaseOrder'],
      ['an order line that does not exist', { gtin: lineGtin, lot: 'X', quantity: 1, poNumber: po, poLine: 9 }, '/lots/1/poLine', 'lots.unknownPoLine'],
      ['expiry before manufacture', { gtin: itemGtin, lot: 'X', quantity: 1, manufactureDate: '2026-02-01', expiryDate: '2026-01-31' }, '/lots/1/expiryDate', 'lots.expiryBeforeManufacture'],
      ['a date that does not exist', { gtin: itemGtin, lot: 'X', quantity: 1, manufactureDate: '2026-02-30' }, '/lots/1/manufactureDate', 'lots.badDate'],
      ['quantity 0', { gtin: itemGtin, lot: 'X', quantity: 0 }, '/lots/1/quantity', 'lots.badQuantity'],
      ['fewer serials than the quantity', { gtin: itemGtin, lot: 'X', quantity: 2, serials: ['S1'] }, '/lots/1/serials', 'lots.serialCount'],
      ['a lot longer than 20 characters', { gtin: itemGtin, lot: 'L'.repeat(21), quantity: 1 }, '/lots/1/lot', 'lots.badLot'],
      ['a certificate note over 500 characters', { gtin: itemGtin, lot: 'X', quantity: 1, certificateNote: 'n'.repeat(501) }, '/lots/1/certificateNote', 'common.tooLong'],
    ];
    it.each(cases)('%s', async (_name, bad, pointer, code) => {
      const before = await lotCount();
      const lot = typeof bad.lot === 'string' && bad.lot === 'X' ? { ...bad, lot: nextLot('X') } : bad;
      const res = await api.writer.post<Problem>('/lots', { lots: [{ gtin: itemGtin, lot: nextLot(), quantity: 1 }, lot] });
      expect(res.status, res.text).toBe(400);
      expect(res.body.code).toBe('invalid_input');
      expect(errorsOf(res)).toEqual({ [pointer]: code });
      expect(await lotCount()).toBe(before);
    });

    it('no lots at all, and every problem of every lot at once', async () => {
      const empty = await api.writer.post<Problem>('/lots', { lots: [] });
      expect(empty.status).toBe(400);
      expect(Object.keys(errorsOf(empty))).toEqual(['/lots']);
      const res = await api.writer.post<Problem>('/lots', { lots: [{ gtin: '123', lot: '', quantity: 1 }, { gtin: itemGtin, lot: nextLot(), quantity: 1, poLine: 1 }] });
      expect(res.status, res.text).toBe(400);
      expect(errorsOf(res)).toEqual({ '/lots/0/gtin': 'lots.badGtin', '/lots/0/lot': 'common.required', '/lots/1/poNumber': 'lots.lineWithoutOrder' });
      const detail = res.body.errors!.find((e) => e.pointer === '/lots/0/gtin')!;
      expect(detail).toMatchObject({ params: { gtin: '123' } });
      expect(detail.detail).toMatch(/GTIN/);
    });

    it('a lot submitted before, naming the record, and the same lot twice in one request', async () => {
      const lot = nextLot();
      const first = await api.writer.post<Submitted>('/lots', { lots: [{ gtin: itemGtin, lot, quantity: 1 }] });
      expect(first.status).toBe(201);
      const again = await api.writer.post<Problem>('/lots', { lots: [{ gtin: itemGtin, lot, quantity: 1 }] });
      expect(again.status).toBe(400);
      expect(again.body.errors).toEqual([expect.objectContaining({ pointer: '/lots/0/lot', code: 'lots.duplicate', params: expect.objectContaining({ record: first.body.lots[0]!.id }) })]);
      const twice = nextLot();
      const batch = await api.writer.post<Problem>('/lots', { lots: [{ gtin: itemGtin, lot: twice, quantity: 1 }, { gtin: itemGtin, lot: twice, quantity: 1 }] });
      expect(errorsOf(batch)).toEqual({ '/lots/1/lot': 'lots.repeatedInBatch' });
    });
  });

  it('with keepValid stores the valid lots and lists the others under rejected', async () => {
    const good = nextLot();
    const res = await api.writer.post<Submitted>('/lots', { keepValid: true, lots: [{ gtin: '09506000134353', lot: nextLot(), quantity: 1 }, { gtin: itemGtin, lot: good, quantity: 1 }] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.lots.map((l) => l.lot)).toEqual([good]);
    expect(res.body.rejected).toEqual([expect.objectContaining({ pointer: '/lots/0/gtin', code: 'lots.badGtin' })]);
  });

  it('accepts more than ordered with a warning on the quantity', async () => {
    const res = await api.writer.post<Submitted>('/lots', { lots: [{ gtin: line2Gtin, lot: nextLot(), quantity: 6, poNumber: po, poLine: 2 }] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.warnings).toEqual([expect.objectContaining({ pointer: '/lots/0/quantity', code: 'lots.overDelivery', params: expect.objectContaining({ ordered: 5, poNumber: po }) })]);
  });

  it('refuses a key without lots:write (403) and a revoked, expired or missing key (401), storing nothing', async () => {
    const before = await lotCount();
    const body = { lots: [{ gtin: itemGtin, lot: nextLot(), quantity: 1 }] };
    for (const key of ['reader', 'certificatesOnly'] as const) expect((await api[key].post<Problem>('/lots', body)).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].post<Problem>('/lots', body)).status).toBe(401);
    expect(await lotCount()).toBe(before);
  });

  it('answers a retry with the same Idempotency-Key with the first answer: one record, one audit entry, one event', async () => {
    const lot = nextLot();
    const body = { lots: [{ gtin: itemGtin, lot, quantity: 1 }] };
    const key = `retry-${lot}`;
    const first = await api.writer.post<Submitted>('/lots', body, { headers: { 'Idempotency-Key': key } });
    expect(first.status, first.text).toBe(201);
    const retry = await api.writer.post<Submitted>('/lots', body, { headers: { 'Idempotency-Key': key } });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    const id = first.body.lots[0]!.id;
    expect(await count('SELECT COUNT(*) AS n FROM lots WHERE lot = ?', [lot])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'lot' AND entity_id = ?", [id])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE aggregate_type = 'lot' AND aggregate_id = ?", [id])).toBe(1);
    // The same key with another body is refused, and stores nothing.
    const otherBody = await api.writer.post<Problem>('/lots', { lots: [{ gtin: itemGtin, lot: nextLot(), quantity: 1 }] }, { headers: { 'Idempotency-Key': key } });
    expect(otherBody.status).toBe(422);
    expect(await count('SELECT COUNT(*) AS n FROM lots WHERE lot = ?', [lot])).toBe(1);
  });
});

describe('GET /lots/{lotId}', () => {
  it('answers the lot with its order line', async () => {
    const lot = nextLot();
    const created = await api.writer.post<Submitted>('/lots', { lots: [{ gtin: lineGtin, lot, quantity: 1, poNumber: po, poLine: 1 }] });
    const id = created.body.lots[0]!.id;
    const res = await api.reader.get<ApiLot & { orderLine: { ordered: number; delivered: number } }>(`/lots/${id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ...created.body.lots[0], orderLine: { ordered: 10 } });
    expect(res.body.orderLine.delivered).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('ETag')).toMatch(/^"/);
  });

  it("is not found for another supplier's lot or one that does not exist; refused without the scope or a valid key", async () => {
    expect((await api.writer.get<Problem>(`/lots/${otherLotId}`)).status).toBe(404);
    expect((await api.writer.get<Problem>('/lots/lot_doesnotexist')).status).toBe(404);
    expect((await api.other.get(`/lots/${otherLotId}`)).status).toBe(200);
    expect((await api.certificatesOnly.get<Problem>(`/lots/${otherLotId}`)).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get<Problem>(`/lots/${otherLotId}`)).status).toBe(401);
  });
});

describe('GET /lots', () => {
  /** Every page from the first, calling `between` after each; the ids in the order handed out. */
  async function pages(query: string, between: () => Promise<void> = async () => {}): Promise<Page['items']> {
    const seen: Page['items'] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 100; n++) {
      const res: ApiAnswer<Page> = await api.reader.get<Page>(`/lots?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) {
        expect(res.headers.get('Link')).toBeNull();
        return seen;
      }
      expect(res.headers.get('Link')).toContain('rel="next"');
      await between();
    }
    throw new Error('no last page');
  }

  const ownLots = async (order: string) => (await db.all<{ id: string }>(`SELECT l.id FROM lots l JOIN organisations o ON o.id = l.organisation_id WHERE o.erp_id = 'V-10001' ORDER BY ${order}`)).map((r) => r.id);

  it('pages to the end without repeats or gaps while lots arrive, only its own lots, in the order asked for', async () => {
    const before = await ownLots('l.submitted_at, l.id');
    expect(before.length).toBeGreaterThan(5);
    const added: string[] = [];
    const seen = await pages('sort=submitted&order=asc&limit=2', async () => {
      const res = await api.writer.post<Submitted>('/lots', { lots: [{ gtin: itemGtin, lot: nextLot('P'), quantity: 1 }] });
      added.push(res.body.lots[0]!.id);
    });
    const ids = seen.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Everything there at the start, then (ascending) what arrived meanwhile, each once.
    expect(ids).toEqual([...before, ...added]);
    expect(ids).not.toContain(otherLotId);
  });

  it('sorts by expiry in both orders, lots without one first ascending, ties by id', async () => {
    const asc = (await pages('sort=expiry&order=asc&limit=3')).map((l) => l.id);
    expect(asc).toEqual(await ownLots("COALESCE(l.expiry_date, ''), l.id"));
    const desc = (await pages('sort=expiry&limit=4')).map((l) => l.id);
    expect(desc).toEqual(await ownLots("COALESCE(l.expiry_date, '') DESC, l.id DESC"));
  });

  it("filters as the portal's list does", async () => {
    const lot = nextLot('F');
    await api.writer.post<Submitted>('/lots', { lots: [{ gtin: line2Gtin, lot, quantity: 1, poNumber: po, poLine: 2 }] });
    const byLot = await api.reader.get<Page>(`/lots?lot=${encodeURIComponent(lot)}`);
    expect(byLot.body.items.map((l) => l.lot)).toEqual([lot]);
    const byGtin = await api.reader.get<Page>(`/lots?gtin=${line2Gtin.slice(2)}&limit=200`);
    expect(byGtin.body.items.length).toBeGreaterThan(0);
    expect(byGtin.body.items.every((l) => (l as unknown as ApiLot).gtin === line2Gtin)).toBe(true);
    const byPo = await api.reader.get<Page>(`/lots?poNumber=${po}&limit=200`);
    expect(byPo.body.items.every((l) => (l as unknown as ApiLot).purchaseOrder?.poNumber === po)).toBe(true);
    // Line 2 was over-delivered above: its lots are flagged, lots against the item are not.
    const flagged = await api.reader.get<Page>('/lots?flagged=true&limit=200');
    expect(flagged.body.items.map((l) => l.lot)).toContain(lot);
    expect(flagged.body.items.every((l) => (l as unknown as ApiLot).purchaseOrder !== null)).toBe(true);
  });

  it('refuses a cursor it did not hand out, a limit out of range and an unknown sort, naming the parameter', async () => {
    const bad = await api.reader.get<Problem>('/lots?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ parameter: 'cursor', code: 'api.badCursor' })]);
    expect((await api.reader.get<Problem>('/lots?limit=201')).status).toBe(400);
    expect((await api.reader.get<Problem>('/lots?sort=colour')).status).toBe(400);
  });

  it('refuses a key without lots:read (403) and a revoked, expired or missing key (401)', async () => {
    expect((await api.certificatesOnly.get<Problem>('/lots')).status).toBe(403);
    for (const key of ['revoked', 'expired', 'none'] as const) expect((await api[key].get<Problem>('/lots')).status).toBe(401);
  });
});
