// Purchase orders to suppliers that exchange EDI: each new version the ERP sends becomes an
// EANCOM ORDERS queued over AS2 to the supplier's partner profile, once; our own tokenizer,
// envelope check and ORDERS reader read it back exactly (GTIN, quantity, price, order number);
// a later version replaces (BGM 5), a cancellation cancels (BGM 1); a supplier without EDI,
// a disabled partner or one without an EDI id gets nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { sendPurchaseOrdersToEdiPartners } from '../../shared/edi/outbound/send-purchase-orders.ts';
import { tokenize } from '../../shared/edifact/tokenize.ts';
import { value } from '../../shared/edifact/element-values.ts';
import { readEnvelope } from '../../shared/edifact/envelope.ts';
import { mapOrders } from '../../shared/erp/map-orders.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { rootDir } from '../support/server.ts';

const ours = { id: '4012345000009', qualifier: '14' };
const system = { type: 'system' as const, name: 'ORDERS outbound test' };

describe('purchase orders out as EANCOM ORDERS over AS2', () => {
  let t: TestDatabase;
  let n = 0;
  const erp = (type: string, data: unknown) =>
    receiveErpEvent(t.ctx, { webhookId: `msg_oo_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } });
  const order = (version: number, status = 'open') => ({
    poNumber: 'PO-EDI-1',
    supplier: { erpId: 'V-10001' },
    status,
    currency: 'EUR',
    orderDate: '2026-03-01',
    version,
    lines: [
      { lineNumber: 10, gtin: '09506000134352', quantity: 500, unitPrice: '1.2500', deliveryDate: '2026-04-15' },
      { lineNumber: 20, gtin: '09506000134369', quantity: version > 1 ? 80 : 40, unitPrice: '12.00' },
    ],
  });
  const outbound = () =>
    t.db.all<{ purpose: string; relates_to_id: string; filename: string; content_type: string; payload: ArrayBuffer }>(
      "SELECT purpose, relates_to_id, filename, content_type, payload FROM as2_outbound_messages WHERE purpose = 'orders' ORDER BY created_at, rowid",
    );

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    const supplier = (await t.db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'V-10001'"))!.id;
    await addPartner(t.ctx, system, {
      organisationId: supplier,
      as2Id: 'SUZHOU-AS2',
      as2Url: 'https://as2.suzhou-precision.example/as2',
      ediId: '6901234000004:14',
      certificates: [{ fileName: 'libas2_libas2community.cer', data: readFileSync(join(rootDir, 'tests/fixtures/as2/libas2_libas2community.cer')) }],
    });
  });
  afterAll(() => t?.close());

  it('a new order goes out once, and reads back exactly', async () => {
    await erp('purchase_order.created', order(1));
    const first = await sendPurchaseOrdersToEdiPartners(t.ctx, { ours });
    expect(first.map((s) => [s.poNumber, s.version])).toEqual([['PO-EDI-1', 1]]);
    expect(await sendPurchaseOrdersToEdiPartners(t.ctx, { ours })).toEqual([]);

    const [msg] = await outbound();
    expect(msg).toMatchObject({ purpose: 'orders', filename: 'ORDERS-PO-EDI-1-v1.edi', content_type: 'application/edifact' });
    const ic = tokenize(new Uint8Array(msg!.payload), { mode: 'strict' });
    const envelope = readEnvelope(ic);
    expect([envelope.sender, envelope.senderQualifier, envelope.recipient, envelope.recipientQualifier]).toEqual(['4012345000009', '14', '6901234000004', '14']);
    const [message] = envelope.messages;
    expect([message!.type, message!.release, message!.association]).toEqual(['ORDERS', '96A', 'EAN008']);
    expect(mapOrders(message!).map((l) => [l.purchaseOrder, l.lineNumber, l.gtin, l.quantity, l.price])).toEqual([
      ['PO-EDI-1', '10', '09506000134352', '500', '1.2500'],
      ['PO-EDI-1', '20', '09506000134369', '40', '12.00'],
    ]);
    const bgm = message!.segments.find((s) => s.tag === 'BGM')!;
    expect(value(bgm, 3)).toBe('9');
    const audit = await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'purchase_order.sent_as_orders'");
    expect(audit!.n).toBe(1);
  });

  it('a new version replaces (BGM 5) and a cancellation cancels (BGM 1)', async () => {
    await erp('purchase_order.updated', order(2, 'changed'));
    await sendPurchaseOrdersToEdiPartners(t.ctx, { ours });
    await erp('purchase_order.updated', order(3, 'cancelled'));
    await sendPurchaseOrdersToEdiPartners(t.ctx, { ours });
    const sent = await outbound();
    expect(sent.map((m) => m.filename)).toEqual(['ORDERS-PO-EDI-1-v1.edi', 'ORDERS-PO-EDI-1-v2.edi', 'ORDERS-PO-EDI-1-v3.edi']);
    const functions = sent.map((m) => {
      const message = readEnvelope(tokenize(new Uint8Array(m.payload))).messages[0]!;
      return value(message.segments.find((s) => s.tag === 'BGM')!, 3);
    });
    expect(functions).toEqual(['9', '5', '1']);
  });

  it('nothing for a supplier without EDI, or a disabled partner', async () => {
    await t.db.run("INSERT INTO organisations (id, name, kind, erp_id, created_at) VALUES ('org_noedi', 'No EDI Ltd.', 'supplier', 'V-20002', '2026-03-01T00:00:00Z')");
    await erp('purchase_order.created', { ...order(1), poNumber: 'PO-PLAIN-1', supplier: { erpId: 'V-20002' } });
    await t.db.run("UPDATE edi_partners SET state = 'disabled' WHERE as2_id = 'SUZHOU-AS2'");
    await erp('purchase_order.created', { ...order(1), poNumber: 'PO-EDI-2' });
    expect(await sendPurchaseOrdersToEdiPartners(t.ctx, { ours })).toEqual([]);
    expect((await outbound()).length).toBe(3);
  });
});
