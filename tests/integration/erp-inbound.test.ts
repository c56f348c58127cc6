import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import type { Db } from '../../shared/db/index.ts';
import type { RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { postErpEvent, type ErpPostOptions } from '../support/erp.ts';

// The ERP's side: events signed with the independent standardwebhooks package, posted to the
// real server over loopback, their effects read back from the server's SQLite file.
const oldSecret = generateSecret();
const secret = generateSecret();
let server: RunningServer;
let db: Db;

beforeAll(async () => {
  // Two inbound secrets: the ERP may be mid-rotation.
  server = await startBuiltServer({ ERP_INBOUND_SECRET: `${oldSecret},${secret}` });
  db = openServerDb(server);
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

/** One event as the ERP sends it (signed with the current secret unless options.signWith). */
const post = (type: string, data: unknown, options?: ErpPostOptions) => postErpEvent(server, secret, type, data, options);

const shipment = (number: string, extra: Record<string, unknown> = {}) => ({
  shipmentNumber: number,
  distributor: { erpId: 'C-20001' },
  dispatchedAt: '2026-03-02T15:42:00Z',
  lines: [
    { gtin: '09506000134352', lot: 'L2403A', quantity: 120, expiryDate: '2028-03-31' },
    { gtin: '9506000134369', lot: 'L2402C', serials: ['SN-1', 'SN-2'], quantity: 2 },
  ],
  ...extra,
});

describe('POST /erp/webhooks: signatures', () => {
  it('accepts an event signed with either secret of a rotation [REQ-WH-02]', async () => {
    expect((await post('item.upserted', { gtin: '09506000134352', description: 'Infusion set', unitOfMeasure: 'EA' })).status).toBe(200);
    expect((await post('item.upserted', { gtin: '09506000134352', description: 'Infusion set', unitOfMeasure: 'EA' }, { signWith: oldSecret })).status).toBe(200);
  });

  it.each([
    ['a tampered body', { tamper: (b: string) => b.replace('Infusion', 'Confusion') }, /no webhook-signature matches/],
    ['a wrong secret', { signWith: generateSecret() }, /no webhook-signature matches/],
    ['a stale timestamp', { at: new Date(Date.now() - 6 * 60_000) }, /away from our clock/],
    ['a missing signature', { headers: { 'webhook-signature': '' } }, /missing/],
  ])('refuses %s with 401 problem+json and changes nothing [REQ-WH-02]', async (_name, options, detail) => {
    const before = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM erp_inbound_events');
    const sent = await post('item.upserted', { gtin: '09506000134352', description: 'Infusion set', unitOfMeasure: 'EA' }, options);
    expect(sent.status).toBe(401);
    expect(sent.contentType).toBe('application/problem+json');
    expect(sent.body).toMatchObject({ status: 401, code: 'unauthenticated', detail: expect.stringMatching(detail) });
    expect(await db.get('SELECT COUNT(*) AS n FROM erp_inbound_events')).toEqual(before);
  });

  it('reaches the gateway (not the portal’s form CSRF check) even with a form content type and no Origin', async () => {
    const res = await fetch(`${server.url}/erp/webhooks`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('POST /erp/webhooks: idempotency', () => {
  it('answers a replayed webhook-id with the first outcome and applies it once [REQ-WH-02]', async () => {
    const first = await post('shipment.dispatched', shipment('SH-REPLAY-1'), { id: 'msg_replay_1' });
    const again = await post('shipment.dispatched', shipment('SH-REPLAY-1'), { id: 'msg_replay_1' });
    expect(first).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, outcome: first.body.outcome } });
    expect(await db.all("SELECT id FROM shipments WHERE shipment_number = 'SH-REPLAY-1'")).toHaveLength(1);
    expect(await db.all("SELECT seq FROM audit_log WHERE action = 'shipment.dispatched' AND entity_id = ?", [(first.body.outcome as { shipment: string }).shipment])).toHaveLength(1);
  });

  it('applies concurrent deliveries of one webhook-id once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => post('shipment.dispatched', shipment('SH-RACE-1'), { id: 'msg_race_1' })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await db.all("SELECT id FROM shipments WHERE shipment_number = 'SH-RACE-1'")).toHaveLength(1);
  });
});

describe('POST /erp/webhooks: validation', () => {
  it('lists every schema problem with its field path, and stores nothing', async () => {
    const sent = await post('shipment.dispatched', shipment('SH-BAD-1', { lines: [{ gtin: '09506000134353', quantity: 0 }], colour: 'blue' }));
    expect(sent.status).toBe(400);
    expect(sent.body.errors).toEqual([
      { pointer: '/data/colour', code: 'events.unknownField', detail: 'Not a known field.' },
      { pointer: '/data/lines/0', code: 'events.oneRequired', params: { fields: 'lot, serials' }, detail: 'Give at least one of: lot, serials.' },
      { pointer: '/data/lines/0/gtin', code: 'common.badGtin', detail: 'Not a valid GTIN (length or check digit).' },
      { pointer: '/data/lines/0/quantity', code: 'events.tooSmall', params: { min: 1 }, detail: 'Must be at least 1.' },
    ]);
    expect(await db.all("SELECT id FROM shipments WHERE shipment_number = 'SH-BAD-1'")).toEqual([]);
  });

  it('refuses an unknown type, naming the known ones', async () => {
    const sent = await post('lot.teleported', {});
    expect(sent.status).toBe(400);
    expect(sent.body.errors).toMatchObject([{ pointer: '/type', code: 'events.unknownType', params: { known: expect.stringMatching(/shipment\.dispatched/) } }]);
  });

  it('refuses a body that is not JSON', async () => {
    const sent = await post('item.upserted', {}, { tamper: () => '{not json' });
    expect(sent.status).toBe(401); // the signature no longer matches the bytes: checked first
  });

  it('answers 422 for an ERP id no organisation has, or one of the wrong kind', async () => {
    const unknown = await post('shipment.dispatched', shipment('SH-422-1', { distributor: { erpId: 'C-99999' } }));
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      { pointer: '/data/distributor/erpId', code: 'erp.unknownErpId', params: { erpId: 'C-99999' }, detail: 'No organisation has ERP id C-99999; register it first.' },
    ]);
    const wrongKind = await post('shipment.dispatched', shipment('SH-422-2', { distributor: { erpId: 'V-10001' } }));
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.errors).toEqual([
      {
        pointer: '/data/distributor/erpId',
        code: 'erp.wrongKind',
        params: { erpId: 'V-10001', kind: 'supplier', expected: 'distributor' },
        detail: 'ERP id V-10001 is a supplier, expected a distributor.',
      },
    ]);
  });

  it('answers 409 for a shipment number already recorded under another webhook-id', async () => {
    expect((await post('shipment.dispatched', shipment('SH-409-1'))).status).toBe(200);
    const again = await post('shipment.dispatched', shipment('SH-409-1'));
    expect(again.status).toBe(409);
    expect(again.body.errors).toMatchObject([{ pointer: '/data/shipmentNumber', code: 'erp.alreadyRecorded', params: { id: expect.stringMatching(/^shp_/) } }]);
  });

  it('refuses serials that do not match the quantity', async () => {
    const sent = await post('shipment.dispatched', shipment('SH-SER-1', { lines: [{ gtin: '09506000134352', serials: ['A', 'B'], quantity: 3 }] }));
    expect(sent.status).toBe(422);
    expect(sent.body.errors).toEqual([
      { pointer: '/data/lines/0/serials', code: 'erp.serialCount', params: { serials: 2, quantity: 3 }, detail: '2 serial numbers for a quantity of 3.' },
    ]);
  });
});

describe('POST /erp/webhooks: each event type reaches its use case and the audit trail', () => {
  it('item.upserted creates, then updates with the old values audited', async () => {
    await post('item.upserted', { gtin: '4006381333931', description: 'Catheter 8 Fr', unitOfMeasure: 'EA', deviceClass: 'IIa' });
    await post('item.upserted', { gtin: '4006381333931', description: 'Catheter 8 Fr, sterile', unitOfMeasure: 'BX' });
    expect(await db.get("SELECT gtin, description, unit_of_measure, device_class FROM items WHERE gtin = '04006381333931'")).toEqual({
      gtin: '04006381333931',
      description: 'Catheter 8 Fr, sterile',
      unit_of_measure: 'BX',
      device_class: null,
    });
    const audit = await db.all<{ action: string; actor_type: string; old_values: string | null }>(
      "SELECT action, actor_type, old_values FROM audit_log WHERE entity_type = 'item' AND entity_id = '04006381333931' ORDER BY seq",
    );
    expect(audit.map((a) => [a.action, a.actor_type])).toEqual([
      ['item.created', 'partner'],
      ['item.updated', 'partner'],
    ]);
    expect(JSON.parse(audit[1]!.old_values!)).toMatchObject({ description: 'Catheter 8 Fr', unit_of_measure: 'EA' });
  });

  it('purchase orders move forward by version only [REQ-P11-SEQ-01]', async () => {
    const order = (version: number, quantity: number) => ({
      poNumber: 'PO-IT-1',
      supplier: { erpId: 'V-10001' },
      status: version === 1 ? 'open' : 'changed',
      currency: 'EUR',
      orderDate: '2026-03-02',
      version,
      lines: [{ lineNumber: 1, gtin: '09506000134352', quantity, unitPrice: '3.85' }],
    });
    expect((await post('purchase_order.created', order(1, 500))).status).toBe(200);
    expect((await post('purchase_order.updated', order(3, 800))).status).toBe(200);
    const stale = await post('purchase_order.updated', order(2, 650));
    expect(stale.body.outcome).toMatchObject({ ignored: 'stored version 3 is not older than 2' });
    expect(await db.get("SELECT po.version, l.quantity FROM purchase_orders po JOIN purchase_order_lines l ON l.purchase_order_id = po.id WHERE po.po_number = 'PO-IT-1'")).toEqual({
      version: 3,
      quantity: 800,
    });
  });

  it('invoice.status_changed is kept as history under the supplier', async () => {
    for (const status of [{ status: 'received' }, { status: 'disputed', reason: 'quantity differs' }, { status: 'paid', paidOn: '2026-04-01' }]) {
      expect((await post('invoice.status_changed', { invoiceNumber: 'INV-IT-1', supplier: { erpId: 'V-10001' }, occurredAt: '2026-03-20T09:58:12Z', ...status })).status).toBe(200);
    }
    const rows = await db.all<{ status: string; reason: string | null; paid_on: string | null }>(
      "SELECT status, reason, paid_on FROM invoice_status_updates WHERE invoice_number = 'INV-IT-1' ORDER BY received_at, rowid",
    );
    expect(rows).toEqual([
      { status: 'received', reason: null, paid_on: null },
      { status: 'disputed', reason: 'quantity differs', paid_on: null },
      { status: 'paid', reason: null, paid_on: '2026-04-01' },
    ]);
  });

  it('shipment.dispatched records lines with GTIN-14, lots and serials for recall tracing [REQ-TRACE-01]', async () => {
    const sent = await post('shipment.dispatched', shipment('SH-IT-1'));
    expect(sent.body.outcome).toMatchObject({ lines: 2, units: 122 });
    const lines = await db.all<{ gtin: string; lot: string; serials: string; quantity: number }>(
      "SELECT l.gtin, l.lot, l.serials, l.quantity FROM shipment_lines l JOIN shipments s ON s.id = l.shipment_id WHERE s.shipment_number = 'SH-IT-1' ORDER BY l.line_number",
    );
    expect(lines).toEqual([
      { gtin: '09506000134352', lot: 'L2403A', serials: '[]', quantity: 120 },
      { gtin: '09506000134369', lot: 'L2402C', serials: '["SN-1","SN-2"]', quantity: 2 },
    ]);
  });

  it('recall.issued is stored as issued, once', async () => {
    const recall = { recallNumber: 'FSCA-IT-1', issuedAt: '2026-05-11T06:45:00Z', reason: 'Leak at the roller clamp', hazard: 'Under-infusion', products: [{ gtin: '09506000134352', lots: ['L2403A'] }], fdaClass: 'II' };
    expect((await post('recall.issued', recall)).status).toBe(200);
    expect((await post('recall.issued', recall)).status).toBe(409);
    const row = await db.get<{ source: string; state: string; payload: string }>("SELECT source, state, payload FROM recalls WHERE recall_number = 'FSCA-IT-1'");
    expect(row).toMatchObject({ source: 'erp', state: 'received' });
    expect(JSON.parse(row!.payload)).toMatchObject({ fdaClass: 'II' });
  });
});

describe('POST /erp/webhooks when not configured', () => {
  it('answers 503 saying which setting is missing', async () => {
    const bare = await startBuiltServer();
    try {
      const res = await fetch(`${bare.url}/erp/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ detail: expect.stringContaining('ERP_INBOUND_SECRET') });
    } finally {
      await bare.stop();
    }
  });
});
