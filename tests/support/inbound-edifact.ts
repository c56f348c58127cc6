import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import type { EdiInboundContext } from '../../shared/edi/inbound/process-as2-payload.ts';
import { newId } from '../../shared/ids.ts';
import { as2StorageKey } from '../../shared/edi/messages/as2-files.ts';
import type { FileStorage } from '../../shared/files/file-storage.ts';
import { insertInboundMessage } from '../../shared/edi/messages/as2-message-rows.ts';
import type { WriteMessage, WriteSegment } from '../../shared/edifact/write.ts';
import { demoDatabase } from './demo.ts';

/** The two items every inbound EDIFACT test orders and delivers. */
export const inboundGtins = { a: '0950600088802', b: '0950600088819' } as const;

export interface InboundWorld {
  dir: { dir: string; remove(): void };
  db: Db;
  ctx: EdiInboundContext;
  supplierOrg: string;
  distributorOrg: string;
}

/**
 * What the ERP would have sent before a supplier delivers: the two items and an open order `po`
 * of the demo supplier (line 1: 500 of A, line 2: 200 of B at `priceB`).
 */
export async function seedInboundOrder(db: Db, po: string, priceB = '1.2345'): Promise<void> {
  await db.transaction(async (tx) => {
    for (const g of [inboundGtins.a, inboundGtins.b]) await applyItemUpserted(tx, systemClock, { gtin: g, description: `Item ${g}`, unitOfMeasure: 'EA' });
    await applyPurchaseOrder(tx, systemClock, {
      poNumber: po,
      supplier: { erpId: 'V-10001' },
      status: 'open',
      currency: 'EUR',
      orderDate: '2026-03-01',
      version: 1,
      lines: [
        { lineNumber: 1, gtin: inboundGtins.a, quantity: 500, unitPrice: '3.85' },
        { lineNumber: 2, gtin: inboundGtins.b, quantity: 200, unitPrice: priceB },
      ],
    });
  });
}

/**
 * A real SQLite file, migrated, with the demo seeded and `seedInboundOrder`'s items and order:
 * what the EDIFACT inbound tests start from.
 */
export async function inboundWorld(prefix: string, po: string): Promise<InboundWorld> {
  const { dir, db, ctx } = await demoDatabase(prefix);
  const org = async (erpId: string) => (await db.get<{ id: string }>('SELECT id FROM organisations WHERE erp_id = ?', [erpId]))!.id;
  await seedInboundOrder(db, po);
  return { dir, db, ctx, supplierOrg: await org('V-10001'), distributorOrg: await org('C-20001') };
}

/**
 * An EDIFACT payload stored as the AS2 receive path stores it (the payload in the file
 * storage, the inbound row waiting for the EDIFACT engine), without the AS2 layer.
 */
export async function storeInboundEdifact(
  db: Db,
  files: FileStorage,
  input: { partnerId: string; organisationId: string; as2From: string; bytes: Uint8Array; filename?: string },
): Promise<string> {
  const id = newId('as2');
  const filename = input.filename ?? 'payload.edi';
  const receivedAt = new Date();
  const payload = await files.put(as2StorageKey(id, receivedAt, 'payload'), input.bytes);
  const stored = { storageKey: payload.key, sha256: payload.sha256, sizeBytes: payload.sizeBytes };
  await db.transaction((tx) =>
    insertInboundMessage(tx, {
      id,
      partnerId: input.partnerId,
      organisationId: input.organisationId,
      as2From: input.as2From,
      as2To: 'LOTBRIDGE',
      messageId: `${id}@partner.example`,
      as2Version: '1.2',
      subject: filename,
      contentType: 'application/edifact',
      receivedAt: receivedAt.toISOString(),
      raw: { ...stored, headers: [] },
      layers: [],
      signer: null,
      mic: null,
      failure: null,
      payload: { ...stored, filename, contentType: 'application/edifact' },
      mdnMode: 'none',
      mdnSignedRequested: false,
      receiptDeliveryUrl: null,
      edifactWaiting: true,
    }),
  );
  return id;
}

/** An EANCOM DESADV message: per line a GTIN, a lot (PIA NB), the despatched quantity and the order line. */
export function desadvMessage(reference: string, number: string, order: string, lines: { gtin: string; lot: string; quantity: string; poLine: string }[]): WriteMessage {
  return {
    reference,
    type: ['DESADV', 'D', '96A', 'UN', 'EAN005'],
    segments: [
      { tag: 'BGM', elements: [['351'], number, '9'] },
      { tag: 'DTM', elements: [['137', '20260320', '102']] },
      { tag: 'RFF', elements: [['ON', order]] },
      { tag: 'CPS', elements: ['1'] },
      ...lines.flatMap((l, i): WriteSegment[] => [
        { tag: 'LIN', elements: [String(i + 1), '', [l.gtin, 'SRV']] },
        { tag: 'PIA', elements: ['1', [l.lot, 'NB']] },
        { tag: 'QTY', elements: [['12', l.quantity]] },
        { tag: 'RFF', elements: [['ON', order, l.poLine]] },
      ]),
    ],
  };
}

/**
 * An EANCOM INVOIC of the two items against `order` (10 × A at 3.85, 3 × B at 1.2345, VAT 13 %),
 * due in 30 days, its totals adding up; `faults` leaves the due date out or states a wrong gross total.
 */
export function invoicMessage(reference: string, number: string, order: string, supplierId: string, faults: { noDueDate?: boolean; grossTotal?: string } = {}): WriteMessage {
  const line = (no: string, gtin: string, qty: string, price: string, net: string, poLine: string): WriteSegment[] => [
    { tag: 'LIN', elements: [no, '', [gtin, 'SRV']] },
    { tag: 'QTY', elements: [['47', qty, 'PCE']] },
    { tag: 'MOA', elements: [['203', net]] },
    { tag: 'PRI', elements: [['AAA', price]] },
    { tag: 'RFF', elements: [['LI', poLine]] },
    { tag: 'TAX', elements: ['7', 'VAT', '', '', ['', '', '', '13']] },
  ];
  const due: WriteSegment[] = faults.noDueDate ? [] : [{ tag: 'PAT', elements: ['1'] }, { tag: 'DTM', elements: [['13', '20260419', '102']] }];
  return {
    reference,
    type: ['INVOIC', 'D', '96A', 'UN', 'EAN008'],
    segments: [
      { tag: 'BGM', elements: [['380'], number, '9'] },
      { tag: 'DTM', elements: [['137', '20260320', '102']] },
      { tag: 'RFF', elements: [['ON', order]] },
      { tag: 'NAD', elements: ['SU', [supplierId, '', '9']] },
      { tag: 'CUX', elements: [['2', 'EUR', '4']] },
      ...due,
      ...line('1', inboundGtins.a, '10', '3.85', '38.50', '1'),
      ...line('2', inboundGtins.b, '3', '1.2345', '3.70', '2'),
      { tag: 'UNS', elements: ['S'] },
      { tag: 'MOA', elements: [['79', '42.20']] },
      { tag: 'MOA', elements: [['176', '5.49']] },
      // 42.20 + 5.49 = 47.69
      { tag: 'MOA', elements: [['77', faults.grossTotal ?? '47.69']] },
      { tag: 'TAX', elements: ['7', 'VAT', '', '', ['', '', '', '13']] },
      { tag: 'MOA', elements: [['124', '5.49']] },
    ],
  };
}
