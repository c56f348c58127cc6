// The REST API's recalls and shipments (/api/v1) over loopback HTTP against the real built
// server and its SQLite file, every answer checked against the served OpenAPI document: a
// distributor's key lists its recall notices and pages to the end, reads one in its language
// with the lots shipped to it, reports stock per lot (the reply's problem codes, pointing into
// the request; an idempotent retry records nothing again) and is handed the portal link where a
// person signs; the reply page then starts from the report. A recall the distributor got no
// notice of and another's shipment are 404, a key without the scope 403, a revoked or expired
// key 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { applyShipmentDispatched } from '../../shared/erp/apply-shipment-dispatched.ts';
import { applyRecallIssued } from '../../shared/erp/apply-recall-issued.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { demoPassword, demoShipment } from '../../shared/demo/seed-demo.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, markup, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { ApiClient, createTestApiKey } from '../support/api.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { eventsOf } from '../support/outbox-events.ts';
import { replyForm } from '../support/reply-form.ts';

const gtin = demoShipment.lines[0]!.gtin;
const [lotA, lotB] = demoShipment.lines.map((l) => l.lot) as [string, string];

type Problem = { status: number; code: string; errors?: { pointer?: string; parameter?: string; code: string; params?: Record<string, unknown> }[] };
type Page<T> = { items: T[]; nextCursor: string | null };
type Summary = { id: string; recallNumber: string; state: string; acknowledgement: { state: string; version: number }; links: { acknowledge: string } };

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
let api: ApiClient;
let recallId = '';
let nordicRecallId = '';
let nordicShipmentId = '';
const distributorEmail = demo('distributor_user').email;

/** Ships `lots` to the distributor with ERP id `erpId` and issues and releases a recall of them; returns the recall id. */
async function recallOf(number: string, erpId: string, lots: string[], options: { ship?: boolean } = {}): Promise<string> {
  const id = await db.transaction(async (tx) => {
    if (options.ship !== false) await applyShipmentDispatched(tx, ctx.clock, { shipmentNumber: `SH-${number}`, distributor: { erpId }, dispatchedAt: '2026-02-01T08:00:00Z', lines: lots.map((lot) => ({ gtin, lot, quantity: 10 })) });
    return (await applyRecallIssued(tx, ctx.clock, { recallNumber: number, issuedAt: new Date().toISOString(), reason: 'Roller clamp may leak', hazard: 'Under-infusion', products: [{ gtin, lots }] })).recall as string;
  });
  await sendRecallNotices(ctx, await actorFor(db, demo('manufacturer_qa').email), { recallId: id, portalUrl: server.url });
  return id;
}

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  await createOrganisation(ctx, { type: 'system', name: 'api recalls test' }, { name: 'Nordic Med AB', kind: 'distributor', erpId: 'C-NORDIC' });
  // The demo distributor's recall of the demo shipment's two lots; Nordic's own, of which the demo distributor got no notice.
  recallId = await recallOf('FSCA-API-1', demoShipment.distributor.erpId, [lotA, lotB], { ship: false });
  nordicRecallId = await recallOf('FSCA-API-N', 'C-NORDIC', ['NORD-1']);
  nordicShipmentId = (await db.get<{ id: string }>("SELECT id FROM shipments WHERE shipment_number = 'SH-FSCA-API-N'"))!.id;
  api = new ApiClient(server.url, (await createTestApiKey(ctx, distributorEmail)).token);
}, 180_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('GET /recalls', () => {
  it('pages through the distributor\'s own notices to the end, each with the portal link to sign', async () => {
    for (let i = 0; i < 4; i++) await recallOf(`FSCA-API-P${i}`, demoShipment.distributor.erpId, [`P-${i}`]);
    const seen: Summary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: Awaited<ReturnType<typeof api.get<Page<Summary>>>> = await api.get<Page<Summary>>(`/recalls?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items);
      cursor = answer.body.nextCursor;
      if (cursor) expect(answer.headers.get('Link')).toContain('rel="next"');
      // A recall released meanwhile is newer than every row handed out: it never shifts the pages.
      if (pages++ === 0) await recallOf('FSCA-API-NEW', demoShipment.distributor.erpId, ['P-NEW']);
    } while (cursor);
    const numbers = seen.map((r) => r.recallNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.sort()).toEqual(['FSCA-API-1', 'FSCA-API-P0', 'FSCA-API-P1', 'FSCA-API-P2', 'FSCA-API-P3'].sort());
    expect(pages).toBe(3);
    const first = seen.find((r) => r.id === recallId)!;
    expect(first).toMatchObject({ state: 'open', acknowledgement: { state: 'not_replied', version: 0 } });
    expect(first.links.acknowledge).toBe(new URL(`/recalls/${recallId}/reply`, server.url).toString());
  });

  it('filters as the portal does and refuses a cursor it did not hand out', async () => {
    expect((await api.get<Page<Summary>>('/recalls?state=closed')).body.items).toEqual([]);
    const bad = await api.get<Problem>('/recalls?cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ parameter: 'cursor', code: 'api.badCursor' })]);
  });
});

describe('GET /recalls/{recallId}', () => {
  it('gives the notice in the organisation\'s language, the lots shipped, and no signing', async () => {
    const answer = await api.get<Record<string, unknown>>(`/recalls/${recallId}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: recallId,
      recallNumber: 'FSCA-API-1',
      state: 'open',
      notice: { language: 'de', reason: 'Roller clamp may leak', hazard: 'Under-infusion' },
      lots: [
        { gtin, lot: lotA, quantityShipped: demoShipment.lines[0]!.quantity, serials: [] },
        { gtin, lot: lotB, quantityShipped: demoShipment.lines[1]!.quantity, serials: [] },
      ],
      stockReport: null,
      acknowledgement: { state: 'not_replied', version: 0, signedAt: null, lots: [] },
      onward: { named: [], reached: [] },
      links: { acknowledge: new URL(`/recalls/${recallId}/reply`, server.url).toString() },
    });
  });

  it('is 404 for a recall the distributor got no notice of, as for one that does not exist', async () => {
    for (const id of [nordicRecallId, 'rcl_doesnotexist']) {
      const answer = await api.get<Problem>(`/recalls/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('not_found');
    }
  });
});

describe('POST /recalls/{recallId}/stock', () => {
  const report = { lots: [{ gtin, lot: lotA, onHand: 100, quarantined: 90 }, { gtin, lot: lotB, onHand: 40, quarantined: 40 }] };

  it('records the report once for an idempotent retry: the same answer, one record, one audit entry, one event', async () => {
    const key = { headers: { 'Idempotency-Key': 'stock-report-1' } };
    const first = await api.post<{ stockReport: { id: string; version: number; source: string }; links: { acknowledge: string } }>(`/recalls/${recallId}/stock`, report, key);
    expect(first.status).toBe(201);
    expect(first.body.stockReport).toMatchObject({ version: 1, source: 'api', lots: report.lots });
    expect(first.body.links.acknowledge).toBe(new URL(`/recalls/${recallId}/reply`, server.url).toString());
    const retry = await api.post<typeof first.body>(`/recalls/${recallId}/stock`, report, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM recall_stock_reports WHERE recall_id = ?', [recallId]))!.n).toBe(1);
    expect((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'recall.stock_reported'"))!.n).toBe(1);
    const events = await eventsOf(db, 'recall.stock_reported');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ recallNumber: 'FSCA-API-1', stockReportId: first.body.stockReport.id, source: 'api' });
    // The audit trail names the key's technical user.
    const actor = (await db.get<{ kind: string }>("SELECT u.kind FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'recall.stock_reported'"))!;
    expect(actor.kind).toBe('api_key');

    const read = await api.get<{ stockReport: unknown }>(`/recalls/${recallId}`);
    expect(read.body.stockReport).toMatchObject({ id: first.body.stockReport.id, lots: report.lots });
  });

  it('starts the reply page a person signs from the report', async () => {
    const person = new BrowserClient(server.url);
    await signInDirectly(person, db, distributorEmail);
    const html = await markup(await person.request(`/recalls/${recallId}/reply`));
    expect(html).toContain('data-testid="stock-reported"');
    expect(html).toMatch(/name="lot\.0\.onHand"[^>]*value="100"/);
    expect(html).toMatch(/name="lot\.0\.quarantined"[^>]*value="90"/);
    expect(html).toMatch(/name="holdsStock" value="yes"[^>]*checked/);
  });

  it('shows the acknowledgement a person signed in the portal, with the customers it names; the reply page then starts from the reply', async () => {
    const person = await actorFor(db, distributorEmail);
    const lots = [
      { gtin, lot: lotA, received: 120, onHand: 100, quarantined: 100, returned: 0, destroyed: 0, subRecipients: [{ name: 'Klinikum Nord', quantity: 20, notifiedOn: new Date().toISOString().slice(0, 10) }] },
      { gtin, lot: lotB, received: 40, onHand: 40, quarantined: 40, returned: 0, destroyed: 0, subRecipients: [] },
    ];
    const notice = (await db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, person.organisationId]))!;
    await submitAcknowledgement(ctx, person, { id: 'localhost', name: 'Lotbridge', origin: server.url }, {
      noticeId: notice.id, understood: true, holdsStock: true, lots, form: replyForm(lots), credential: { password: demoPassword }, locale: 'en',
    });
    const read = await api.get<Record<string, unknown>>(`/recalls/${recallId}`);
    expect(read.body).toMatchObject({
      acknowledgement: {
        state: 'quarantine_confirmed',
        version: 1,
        signerName: person.displayName,
        holdsStock: true,
        lots: [
          { gtin, lot: lotA, received: 120, onHand: 100, quarantined: 100, passedOn: 20 },
          { gtin, lot: lotB, received: 40, onHand: 40, quarantined: 40, passedOn: 0 },
        ],
      },
      onward: { named: [{ gtin, lot: lotA, name: 'Klinikum Nord', quantity: 20 }], reached: [] },
    });
    const listed = await api.get<Page<Summary>>('/recalls?reply=quarantine_confirmed');
    expect(listed.body.items.map((r) => r.id)).toEqual([recallId]);
    // The report is older than the signed reply now: the correction starts from the reply.
    const page = new BrowserClient(server.url);
    await signInDirectly(page, db, distributorEmail);
    const html = await markup(await page.request(`/recalls/${recallId}/reply`));
    expect(html).not.toContain('data-testid="stock-reported"');
    expect(html).toMatch(/name="lot\.0\.quarantined"[^>]*value="100"/);
  });

  it.each([
    ['a missing GTIN', { lots: [{ lot: lotA, onHand: 1, quarantined: 0 }] }, '/lots/0/gtin', 'common.required'],
    ['a GTIN with a wrong check digit', { lots: [{ gtin: '09506000999998', lot: lotA, onHand: 1, quarantined: 0 }] }, '/lots/0/gtin', 'common.badGtin'],
    ['a negative count', { lots: [{ gtin, lot: lotA, onHand: -1, quarantined: 0 }] }, '/lots/0/onHand', 'events.tooSmall'],
    ['no lots', { lots: [] }, '/lots', 'events.tooFewItems'],
    ['more quarantined than on hand', { lots: [{ gtin, lot: lotA, onHand: 3, quarantined: 4 }] }, '/lots/0/quarantined', 'reply.quarantinedOverOnHand'],
    ['a lot the notice does not name', { lots: [{ gtin, lot: 'NOT-OURS', onHand: 1, quarantined: 0 }] }, '/lots/0/lot', 'reply.unknownLot'],
    ['a lot twice', { lots: [{ gtin, lot: lotA, onHand: 1, quarantined: 0 }, { gtin, lot: lotA, onHand: 1, quarantined: 0 }] }, '/lots/1/lot', 'reply.lotTwice'],
  ])('refuses %s, pointing into the request', async (_what, body, pointer, code) => {
    const answer = await api.post<Problem>(`/recalls/${recallId}/stock`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ pointer, code })]);
  });

  it('is 404 for a recall the distributor got no notice of, and 409 once the recall is closed', async () => {
    const other = await api.post<Problem>(`/recalls/${nordicRecallId}/stock`, { lots: [{ gtin, lot: 'NORD-1', onHand: 1, quarantined: 1 }] });
    expect(other.status).toBe(404);
    const closed = await recallOf('FSCA-API-C', demoShipment.distributor.erpId, ['C-1']);
    await db.run("UPDATE recalls SET state = 'closed' WHERE id = ?", [closed]);
    const late = await api.post<Problem>(`/recalls/${closed}/stock`, { lots: [{ gtin, lot: 'C-1', onHand: 1, quarantined: 1 }] });
    expect(late.status).toBe(409);
  });
});

describe('shipments', () => {
  type Shipment = { id: string; shipmentNumber: string; distributor: { name: string }; lines: unknown };

  it('lists only the shipments to the caller and pages to the end; one reads line by line', async () => {
    const seen: Shipment[] = [];
    let cursor: string | null = null;
    do {
      const answer: Awaited<ReturnType<typeof api.get<Page<Shipment>>>> = await api.get<Page<Shipment>>(`/shipments?limit=2&sort=dispatchedAt&order=asc${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items);
      cursor = answer.body.nextCursor;
    } while (cursor);
    const mine = await db.all<{ id: string }>("SELECT s.id FROM shipments s JOIN organisations o ON o.id = s.distributor_organisation_id WHERE o.erp_id = ?", [demoShipment.distributor.erpId]);
    expect(seen.map((s) => s.id).sort()).toEqual(mine.map((s) => s.id).sort());
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    const demoOne = seen.find((s) => s.shipmentNumber === demoShipment.shipmentNumber)!;
    const one = await api.get<{ lines: { gtin: string; lot: string; quantity: number }[] }>(`/shipments/${demoOne.id}`);
    expect(one.status).toBe(200);
    expect(one.body.lines.map((l) => [l.gtin, l.lot, l.quantity])).toEqual(demoShipment.lines.map((l) => [l.gtin, l.lot, l.quantity]));
  });

  it("is 404 for another distributor's shipment", async () => {
    const answer = await api.get<Problem>(`/shipments/${nordicShipmentId}`);
    expect(answer.status).toBe(404);
  });
});

describe('keys', () => {
  it('refuses a key without the scope (403)', async () => {
    const shipmentsOnly = api.withToken((await createTestApiKey(ctx, distributorEmail, { scopes: ['shipments:read'] })).token);
    expect((await shipmentsOnly.get(`/recalls`)).status).toBe(403);
    expect((await shipmentsOnly.get(`/recalls/${recallId}`)).status).toBe(403);
    const readOnly = api.withToken((await createTestApiKey(ctx, distributorEmail, { scopes: ['recalls:read'] })).token);
    expect((await readOnly.post(`/recalls/${recallId}/stock`, { lots: [{ gtin, lot: lotA, onHand: 1, quarantined: 1 }] })).status).toBe(403);
    expect((await readOnly.get('/shipments')).status).toBe(403);
  });

  it('refuses a revoked or an expired key (401) on every operation', async () => {
    const revoked = await createTestApiKey(ctx, distributorEmail);
    await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', [new Date().toISOString(), revoked.id]);
    const expired = await createTestApiKey(ctx, distributorEmail, { expiresInDays: 1 });
    await db.run('UPDATE api_keys SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000).toISOString(), expired.id]);
    for (const token of [revoked.token, expired.token]) {
      const client = api.withToken(token);
      for (const answer of [
        await client.get('/recalls'),
        await client.get(`/recalls/${recallId}`),
        await client.post(`/recalls/${recallId}/stock`, { lots: [{ gtin, lot: lotA, onHand: 1, quarantined: 1 }] }),
        await client.get('/shipments'),
        await client.get(`/shipments/${nordicShipmentId}`),
      ]) {
        expect(answer.status).toBe(401);
      }
    }
  });
});
