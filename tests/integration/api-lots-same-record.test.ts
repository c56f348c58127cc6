// The proof of issue 17: the same lot sent through the REST API, through the portal's form (the
// real form action over HTTP) and in an EDIFACT DESADV (uploaded on the lots page) becomes the
// same record. Each way runs against a server of its own (same demo seed, same ERP order), since
// a supplier can submit one GTIN and lot only once. Compared: every column of the lot, its audit
// entry and its lot.submitted event as the ERP receives it, apart from the source, the ids (of the
// lot, organisation, order and submitter, each checked to be the right one) and the times; the
// record hash is checked to be the hash of the record's own content.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { getLot } from '../../shared/lots/get-lot.ts';
import { lotRecordHash } from '../../shared/lots/lot.ts';
import { writeInterchange, encodeInterchange } from '../../shared/edifact/write.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { postMultipart } from '../support/uploads.ts';
import { inboundGtins, seedInboundOrder } from '../support/inbound-edifact.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { ApiClient, createTestApiKey } from '../support/api.ts';

const supplier = demo('supplier_user');
const po = '4500017100';
/** The lot, as every way in sends it: GTIN-13 (stored as GTIN-14), on order line 1, with serials and both dates. */
const lot = { gtin: inboundGtins.a, lot: 'SAME-0317', serials: ['SN-1', 'SN-2'], manufactureDate: '2026-01-10', expiryDate: '2030-12-31', quantity: 2, poLine: 1 };

type Way = 'api' | 'form' | 'edifact';
const ways: Way[] = ['api', 'form', 'edifact'];
const servers = {} as Record<Way, { server: RunningServer; db: Db }>;
const submitters = {} as Record<Way, string>;

/** The ids a record of this server must name: its supplier, its order, the one who submitted. */
async function expectedIds(db: Db, way: Way) {
  const org = await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'V-10001'");
  const order = await db.get<{ id: string }>('SELECT id FROM purchase_orders WHERE po_number = ?', [po]);
  return { organisationId: org!.id, purchaseOrderId: order!.id, submittedBy: submitters[way] };
}

async function submitByApi(server: RunningServer, db: Db): Promise<void> {
  const key = await createTestApiKey({ db, clock: systemClock, policy: defaultPolicy }, supplier.email, { scopes: ['lots:write'] });
  submitters.api = key.userId;
  const res = await new ApiClient(server.url, key.token).post('/lots', { lots: [{ ...lot, poNumber: po }] });
  expect(res.status, res.text).toBe(201);
}

async function submitByForm(server: RunningServer, db: Db): Promise<void> {
  const client = new BrowserClient(server.url);
  await signInDirectly(client, db, supplier.email);
  submitters.form = (await actorFor(db, supplier.email)).userId;
  const res = await postMultipart(client, '/lots?/submit', {
    gtin: lot.gtin,
    lot: lot.lot,
    serials: lot.serials.join('\n'),
    manufacture_date: lot.manufactureDate,
    expiry_date: lot.expiryDate,
    quantity: String(lot.quantity),
    po_number: po,
    po_line: String(lot.poLine),
    certificate: '',
    certificate_note: '',
  });
  await res.body?.cancel();
  expect(res.status).toBe(303);
}

async function submitByDesadv(server: RunningServer, db: Db): Promise<void> {
  const client = new BrowserClient(server.url);
  await signInDirectly(client, db, supplier.email);
  submitters.edifact = (await actorFor(db, supplier.email)).userId;
  const text = writeInterchange({
    syntax: ['UNOC', '3'],
    sender: ['6901234000001', '14'],
    recipient: ['4012345000009', '14'],
    preparedAt: ['260320', '1015'],
    reference: 'SAME0317',
    newline: '\r\n',
    messages: [
      {
        reference: 'M1',
        type: ['DESADV', 'D', '96A', 'UN', 'EAN005'],
        segments: [
          { tag: 'BGM', elements: [['351'], 'DN-SAME-0317', '9'] },
          { tag: 'DTM', elements: [['137', '20260320', '102']] },
          { tag: 'RFF', elements: [['ON', po]] },
          { tag: 'CPS', elements: ['1'] },
          { tag: 'LIN', elements: ['1', '', [lot.gtin, 'SRV']] },
          { tag: 'PIA', elements: ['1', [lot.lot, 'NB'], [lot.serials[0]!, 'SN'], [lot.serials[1]!, 'SN']] },
          { tag: 'QTY', elements: [['12', String(lot.quantity)]] },
          { tag: 'DTM', elements: [['36', lot.expiryDate.replace(/-/g, ''), '102']] },
          { tag: 'DTM', elements: [['94', lot.manufactureDate.replace(/-/g, ''), '102']] },
          { tag: 'RFF', elements: [['ON', po, String(lot.poLine)]] },
        ],
      },
    ],
  });
  const form = new FormData();
  form.set('file', new Blob([encodeInterchange(text, 'UNOC') as Uint8Array<ArrayBuffer>], { type: 'application/EDIFACT' }), 'despatch.edi');
  const res = await client.request('/lots?/edifact', { method: 'POST', body: form, headers: { accept: 'text/html' } });
  const html = await res.text();
  expect(res.status, html.slice(0, 2000)).toBe(200);
}

/** What each way stored: the lot row, its audit entry and its event, with the ids checked and set aside. */
async function recordOf(way: Way) {
  const { db } = servers[way];
  const rows = await db.all<Record<string, unknown>>('SELECT * FROM lots WHERE lot = ?', [lot.lot]);
  expect(rows).toHaveLength(1);
  const row = rows[0]!;
  const ids = await expectedIds(db, way);
  expect(row).toMatchObject({ organisation_id: ids.organisationId, purchase_order_id: ids.purchaseOrderId, submitted_by: ids.submittedBy, source: way });
  // The record hash is the hash of what is stored (id, source and time included), so it differs only through them.
  const { lot: stored } = await getLot({ db, clock: systemClock, policy: defaultPolicy }, await actorFor(db, supplier.email), row.id as string);
  expect(row.record_hash).toBe(lotRecordHash(stored));
  // Checked above: the ids name the right records, the source the way, the hash the content.
  const { id, organisation_id: _organisation, purchase_order_id: _order, submitted_by: _submitter, submitted_at, record_hash, source: _source, ...rest } = row;
  expect(typeof submitted_at).toBe('string');

  const audits = await db.all<{ actor_id: string; action: string; new_values: string; organisation_id: string }>(
    "SELECT actor_id, action, new_values, organisation_id FROM audit_log WHERE entity_type = 'lot' AND entity_id = ?",
    [id as string],
  );
  expect(audits.map((a) => [a.action, a.actor_id, a.organisation_id])).toEqual([['lot.submitted', ids.submittedBy, ids.organisationId]]);
  const { source: auditSource, recordHash: auditHash, ...audit } = JSON.parse(audits[0]!.new_values) as Record<string, unknown>;
  expect([auditSource, auditHash]).toEqual([way, record_hash]);

  const events = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
    "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE aggregate_type = 'lot' AND aggregate_id = ?",
    [id as string],
  );
  expect(events).toHaveLength(1);
  const event = validateEvent(JSON.parse(webhookBody(events[0]!)), 'outbound') as { type: string; timestamp: string; data: Record<string, unknown> };
  const { lotId, source: eventSource, recordHash, submittedAt, supplier: eventSupplier, aggregate, ...data } = event.data;
  expect([lotId, eventSource, recordHash, submittedAt]).toEqual([id, way, record_hash, submitted_at]);
  const { organisationId, ...supplierRest } = eventSupplier as Record<string, unknown>;
  expect(organisationId).toBe(ids.organisationId);
  const { id: aggregateId, ...aggregateRest } = aggregate as Record<string, unknown>;
  expect(aggregateId).toBe(id);
  return { lot: rest, audit, event: { type: event.type, data: { ...data, supplier: supplierRest, aggregate: aggregateRest } } };
}

beforeAll(async () => {
  for (const way of ways) {
    const server = await startBuiltServer();
    const db = openServerDb(server);
    await seedInboundOrder(db, po);
    servers[way] = { server, db };
  }
  await submitByApi(servers.api.server, servers.api.db);
  await submitByForm(servers.form.server, servers.form.db);
  await submitByDesadv(servers.edifact.server, servers.edifact.db);
});

afterAll(async () => {
  for (const way of ways) {
    servers[way]?.db.close();
    await servers[way]?.server.stop();
  }
});

describe('the same lot by API, form and DESADV', () => {
  it('is the same record, the same audit entry and the same event, apart from source, ids and times', async () => {
    const [api, form, edifact] = await Promise.all(ways.map(recordOf));
    // Everything the supplier declared, as stored.
    expect(api!.lot).toMatchObject({ gtin: inboundGtins.a.padStart(14, '0'), lot: lot.lot, serials: JSON.stringify(lot.serials), manufacture_date: lot.manufactureDate, expiry_date: lot.expiryDate, quantity: 2, po_line_number: 1, state: 'submitted' });
    expect(form).toEqual(api);
    expect(edifact).toEqual(api);
  });
});
