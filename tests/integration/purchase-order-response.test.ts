// A supplier answers its purchase order (shared/orders/respond-to-purchase-order.ts) on a real
// SQLite file: accepts it, changes a line, rejects it with a note; each is one
// purchase_order_response record, one audit entry and one purchase_order.responded event (valid
// against its schema, with its source), in one transaction. Every refusal is data, nothing is
// recorded on one, and another supplier's order is not found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { respondToPurchaseOrder, type PurchaseOrderResponseInput } from '../../shared/orders/respond-to-purchase-order.ts';
import { supplierWorkList } from '../../shared/home/supplier-work-list.ts';
import { listPurchaseOrders } from '../../shared/orders/list-purchase-orders.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';

const gtinA = '09506000134352';
const gtinB = '09506000134369';
const by = { type: 'system' as const, name: 'purchase order response test' };
let t: TestDatabase;
let events = 0;
const as = {} as Record<'supplier' | 'ningbo' | 'qa', Actor>;

const erp = (type: string, data: unknown) =>
  receiveErpEvent(t.ctx, { webhookId: `msg_por_${++events}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } });
const order = (poNumber: string, erpId = 'V-10001', status = 'open', version = 1) => ({
  poNumber,
  supplier: { erpId },
  status,
  currency: 'EUR',
  orderDate: '2026-03-01',
  version,
  lines: [
    { lineNumber: 1, gtin: gtinA, quantity: 500, unitPrice: '2.40', deliveryDate: '2026-04-01' },
    { lineNumber: 2, gtin: gtinB, quantity: 200, unitPrice: '18.50', deliveryDate: '2026-04-01' },
  ],
});
const count = async (sql: string, args: string[] = []) => (await t.db.get<{ n: number }>(sql, args))!.n;
const responses = (po: string) => count("SELECT COUNT(*) AS n FROM edi_documents d JOIN purchase_orders p ON p.id = d.refers_to_id WHERE d.kind = 'purchase_order_response' AND p.po_number = ?", [po]);

async function event(documentId: string) {
  const e = (await t.db.get<{ payload: string; aggregate_type: string; aggregate_seq: number; occurred_at: string }>(
    "SELECT payload, aggregate_type, aggregate_seq, occurred_at FROM outbox WHERE event_type = 'purchase_order.responded' AND aggregate_id = ?",
    [documentId],
  ))!;
  return validateEvent({ type: 'purchase_order.responded', timestamp: e.occurred_at, data: { ...JSON.parse(e.payload), aggregate: { type: e.aggregate_type, id: documentId, sequence: e.aggregate_seq } } }, 'outbound').data;
}

beforeAll(async () => {
  t = await testDatabase();
  t.clock.set('2026-03-02T09:00:00.000Z');
  await seedDemo(t.ctx);
  const ningbo = (await createOrganisation(t.ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
  await addUser(t.ctx, by, { email: 'quality@ningbo-moulding.example', displayName: 'Chen Gang', password: 'ningbo-supplier-pass', role: 'supplier_user', organisationId: ningbo });
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
  as.ningbo = await actorFor(t.db, 'quality@ningbo-moulding.example');
  for (const po of ['PO-R-ACCEPT', 'PO-R-CHANGE', 'PO-R-REJECT', 'PO-R-REFUSE']) await erp('purchase_order.created', order(po));
  await erp('purchase_order.created', order('PO-R-CLOSED', 'V-10001', 'closed'));
  await erp('purchase_order.created', order('PO-R-NINGBO', 'V-10077'));
});

afterAll(() => t?.close());

describe('a supplier answers its purchase order', () => {
  it('accepts it: every line as ordered, a record numbered by the portal, an audit entry on the order and the event with source portal', async () => {
    const r = await respondToPurchaseOrder(t.ctx, as.supplier, { purchaseOrder: 'PO-R-ACCEPT', lines: [{ lineNumber: 1, quantity: '500', deliveryDate: '2026-04-01' }, { lineNumber: 2 }] }, { source: 'portal' });
    expect(r).toMatchObject({ responseNumber: 'PO-R-ACCEPT-R1', status: 'accepted' });
    const doc = (await t.db.get<Record<string, unknown>>('SELECT * FROM edi_documents WHERE id = ?', [r.id]))!;
    expect(doc).toMatchObject({ kind: 'purchase_order_response', source: 'portal', interchange_id: null, refers_to_type: 'purchase_order', refers_to_version: 1, status: 'accepted', received_by: as.supplier.userId });
    const data = await event(r.id);
    expect(data).toMatchObject({
      responseNumber: 'PO-R-ACCEPT-R1',
      purchaseOrder: { poNumber: 'PO-R-ACCEPT', version: 1 },
      supplier: { organisationId: as.supplier.organisationId, erpId: 'V-10001' },
      status: 'accepted',
      source: 'portal',
      note: null,
      lines: [
        { lineNumber: 1, gtin: gtinA, status: 'accepted', quantity: '500', deliveryDate: '2026-04-01' },
        { lineNumber: 2, gtin: gtinB, status: 'accepted', quantity: null, deliveryDate: null },
      ],
    });
    const audit = (await t.db.get<{ action: string; entity_type: string; actor_id: string }>("SELECT action, entity_type, actor_id FROM audit_log WHERE action = 'purchase_order.responded' AND entity_id = ?", [doc.refers_to_id as string]))!;
    expect(audit).toEqual({ action: 'purchase_order.responded', entity_type: 'purchase_order', actor_id: as.supplier.userId });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('changes a line: the quantity and date it will deliver, the note; a second answer gets the next number', async () => {
    const input: PurchaseOrderResponseInput = {
      purchaseOrder: 'PO-R-CHANGE',
      lines: [
        { lineNumber: 1, status: 'accepted' },
        { lineNumber: 2, status: 'changed', quantity: '150', deliveryDate: '2026-04-16' },
      ],
      note: 'Line 2: 150 now, the rest with the next batch.',
    };
    const first = await respondToPurchaseOrder(t.ctx, as.supplier, input, { source: 'portal' });
    expect(first.status).toBe('changed');
    expect(await event(first.id)).toMatchObject({ status: 'changed', note: 'Line 2: 150 now, the rest with the next batch.', lines: [{ status: 'accepted' }, { status: 'changed', quantity: '150', deliveryDate: '2026-04-16' }] });
    const second = await respondToPurchaseOrder(t.ctx, as.supplier, { purchaseOrder: 'PO-R-CHANGE', status: 'accepted', lines: [{ lineNumber: 1 }, { lineNumber: 2 }] }, { source: 'portal' });
    expect(second).toMatchObject({ responseNumber: 'PO-R-CHANGE-R2', status: 'accepted' });
  });

  it('rejects it: the whole order, every line rejected, with the note', async () => {
    const r = await respondToPurchaseOrder(t.ctx, as.supplier, { purchaseOrder: 'PO-R-REJECT', status: 'rejected', lines: [{ lineNumber: 1 }, { lineNumber: 2 }], note: 'The mould is being repaired.' }, { source: 'portal' });
    expect(await event(r.id)).toMatchObject({ status: 'rejected', note: 'The mould is being repaired.', lines: [{ status: 'rejected' }, { status: 'rejected' }] });
  });

  const base: PurchaseOrderResponseInput = { purchaseOrder: 'PO-R-REFUSE', lines: [{ lineNumber: 1 }, { lineNumber: 2 }] };
  it.each<[string, PurchaseOrderResponseInput, string, string, Record<string, unknown>?]>([
    ['no lines', { ...base, lines: [] }, 'lines', 'orders.noLines'],
    ['a line not on the order', { ...base, lines: [{ lineNumber: 7 }] }, 'lines/0/lineNumber', 'orders.unknownPoLine', { line: '7', po: 'PO-R-REFUSE' }],
    ['a line answered twice', { ...base, lines: [{ lineNumber: 1 }, { lineNumber: 1 }] }, 'lines/1/lineNumber', 'orders.lineRepeated', { line: '1' }],
    ['a GTIN not the one ordered on the line', { ...base, lines: [{ lineNumber: 1, gtin: gtinB }] }, 'lines/0/gtin', 'orders.gtinNotOnLine', { gtin: gtinB, line: '1', po: 'PO-R-REFUSE', ordered: gtinA }],
    ['a status that is not one', { ...base, lines: [{ lineNumber: 1, status: 'maybe' }] }, 'lines/0/status', 'orders.badStatus', { value: 'maybe' }],
    ['a quantity that is not a number', { ...base, lines: [{ lineNumber: 1, status: 'changed', quantity: 'many' }] }, 'lines/0/quantity', 'orders.badQuantity', { value: 'many' }],
    ['a date that is not one', { ...base, lines: [{ lineNumber: 1, status: 'changed', deliveryDate: '2026-02-30' }] }, 'lines/0/deliveryDate', 'orders.badDate', { value: '2026-02-30' }],
    ['a changed line with neither quantity nor date', { ...base, lines: [{ lineNumber: 2, status: 'changed' }] }, 'lines/0/quantity', 'orders.changeNeedsValue', { line: '2' }],
    ['a note over 2,000 characters', { ...base, note: 'x'.repeat(2001) }, 'note', 'orders.noteTooLong', { max: 2000 }],
    ['a closed order', { ...base, purchaseOrder: 'PO-R-CLOSED' }, 'purchaseOrder', 'orders.orderClosed', { po: 'PO-R-CLOSED', status: 'closed' }],
  ])('refuses %s as data, recording nothing', async (_what, input, field, code, params) => {
    const e = await refusal(respondToPurchaseOrder(t.ctx, as.supplier, input, { source: 'portal' }));
    expect(e.code).toBe('invalid_input');
    expect(e.problems?.[field]).toEqual(params ? { code, params } : { code });
    expect(await responses(input.purchaseOrder)).toBe(0);
  });

  it('refuses a response number sent before', async () => {
    await respondToPurchaseOrder(t.ctx, as.supplier, { ...base, purchaseOrder: 'PO-R-ACCEPT', responseNumber: 'RSP-9' }, { source: 'portal' });
    const e = await refusal(respondToPurchaseOrder(t.ctx, as.supplier, { ...base, purchaseOrder: 'PO-R-ACCEPT', responseNumber: 'RSP-9' }, { source: 'portal' }));
    expect([e.code, e.problems?.responseNumber?.code]).toEqual(['conflict', 'orders.duplicateResponse']);
  });

  it("does not find another supplier's order, and staff cannot answer for a supplier", async () => {
    const e = await refusal(respondToPurchaseOrder(t.ctx, as.supplier, { ...base, purchaseOrder: 'PO-R-NINGBO' }, { source: 'portal' }));
    expect([e.code, e.problems]).toEqual(['not_found', { purchaseOrder: { code: 'orders.unknownPurchaseOrder', params: { po: 'PO-R-NINGBO' } } }]);
    expect(await responses('PO-R-NINGBO')).toBe(0);
    expect((await refusal(respondToPurchaseOrder(t.ctx, as.qa, base, { source: 'portal' }))).code).toBe('forbidden');
    // Its own supplier may.
    expect((await respondToPurchaseOrder(t.ctx, as.ningbo, { ...base, purchaseOrder: 'PO-R-NINGBO' }, { source: 'portal' })).status).toBe('accepted');
  });

  it('an answered order leaves the home list of orders to confirm; changed by the ERP since, it is to confirm again', async () => {
    const toConfirm = async () => (await supplierWorkList(t.ctx, as.supplier, { graceDays: 30 })).entries.find((e) => e.kind === 'ordersToConfirm')!;
    await erp('purchase_order.created', order('PO-R-HOME'));
    expect((await toConfirm()).items.map((i) => i.label)).toContain('PO-R-HOME');
    await respondToPurchaseOrder(t.ctx, as.supplier, { purchaseOrder: 'PO-R-HOME', lines: [{ lineNumber: 1 }, { lineNumber: 2 }] }, { source: 'portal' });
    const after = await toConfirm();
    expect(after.items.map((i) => i.label)).not.toContain('PO-R-HOME');
    // The count is the total of the list the entry links to.
    expect(after.count).toBe((await listPurchaseOrders(t.ctx, as.supplier, { state: 'toConfirm' })).total);
    await erp('purchase_order.updated', order('PO-R-HOME', 'V-10001', 'changed', 2));
    expect((await toConfirm()).items.map((i) => i.label)).toContain('PO-R-HOME');
  });
});
