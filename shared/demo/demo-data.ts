// The demo's fixed data: what the manufacturer's ERP would have sent (items, purchase orders,
// shipments, an invoice status) and what its users would have done (certificates, lots, an
// invoice, a recall with a reply). Dates are days from the seeding day, so "expiring soon" stays
// soon and a deadline stays ahead. The README's "Two commands" walkthrough names these records.
import type { ItemUpserted } from '../erp/apply-item-upserted.ts';
import type { PurchaseOrderData } from '../erp/apply-purchase-order.ts';
import type { ShipmentData } from '../erp/apply-shipment-dispatched.ts';

/** The request id of everything the seed writes: the audit trail tells the seed from a real ERP event. */
export const demoSeedRequestId = 'demo-seed';

/** GTINs of the demo items (GS1's example company prefix 0950600). */
export const demoGtins = {
  /** The GS1 example GTIN: the lots CSV template's row and the barcode example on /lots use it. */
  infusionSet: '09506000134352',
  /** The in-progress recall's product. */
  catheter: '09506000134369',
  connector: '09506000134376',
  stopcock: '09506000134383',
  /** The README's recall walkthrough (lots DEMO-2601A and DEMO-2601B, shipment SH-DEMO-0001). */
  pressureLine: '09506000999999',
} as const;

export const demoItems: ItemUpserted[] = [
  { gtin: demoGtins.infusionSet, erpItemId: 'MAT-100231', description: 'Infusion set, 20 drops/ml, 150 cm — model IS-20', tradeName: 'FlowSafe infusion set', model: 'IS-20, 150 cm', unitOfMeasure: 'EA', deviceClass: 'IIa' },
  { gtin: demoGtins.catheter, erpItemId: 'MAT-100245', description: 'Central venous catheter, 7 Fr, triple lumen — model CVC-7T', tradeName: 'Meridian CVC triple lumen', model: 'CVC-7T, 7 Fr', unitOfMeasure: 'EA', deviceClass: 'III' },
  { gtin: demoGtins.connector, erpItemId: 'MAT-100302', description: 'Needle-free Luer-lock connector — model LL-4', unitOfMeasure: 'EA', deviceClass: 'IIa' },
  { gtin: demoGtins.stopcock, erpItemId: 'MAT-100318', description: 'Three-way stopcock, 360° rotation — model SC-3', unitOfMeasure: 'EA', deviceClass: 'IIa' },
  { gtin: demoGtins.pressureLine, erpItemId: 'MAT-100400', description: 'Pressure monitoring line, 150 cm — model PL-150', tradeName: 'Meridian PressureLine', model: 'PL-150, 150 cm', unitOfMeasure: 'EA', deviceClass: 'IIa' },
];

/** The purchase order numbers the README and the lots CSV template name. */
export const demoPurchaseOrders = {
  /** New, to confirm: the CSV template's row delivers against its line 1. */
  toConfirm: 'PO-4500017001',
  /** Changed by the buyer (version 2), to confirm. */
  changed: 'PO-4500017002',
  /** Delivered, not yet invoiced: the invoice walkthrough invoices it. */
  toInvoice: 'PO-4500016950',
  /** Delivered (the recall walkthrough's lots) and invoiced; the ERP disputed the invoice. */
  disputed: 'PO-4500016900',
} as const;

type DayOffset = (days: number) => string;

/** The supplier V-10001's open orders, as the ERP sends them (dates from the seeding day). */
export function demoOrders(day: DayOffset): PurchaseOrderData[] {
  const order = (poNumber: string, version: number, ordered: number, lines: PurchaseOrderData['lines']): PurchaseOrderData => ({
    poNumber,
    supplier: { erpId: 'V-10001' },
    status: version > 1 ? 'changed' : 'open',
    currency: 'USD',
    orderDate: day(ordered),
    version,
    lines,
  });
  return [
    order(demoPurchaseOrders.toConfirm, 1, -2, [
      { lineNumber: 1, gtin: demoGtins.infusionSet, quantity: 500, unitPrice: '2.40', deliveryDate: day(28) },
      { lineNumber: 2, gtin: demoGtins.connector, quantity: 2000, unitPrice: '0.35', deliveryDate: day(28) },
    ]),
    order(demoPurchaseOrders.changed, 2, -6, [{ lineNumber: 1, gtin: demoGtins.catheter, quantity: 200, unitPrice: '18.50', deliveryDate: day(35) }]),
    order(demoPurchaseOrders.toInvoice, 1, -40, [
      { lineNumber: 1, gtin: demoGtins.infusionSet, quantity: 1000, unitPrice: '2.40', deliveryDate: day(-12) },
      { lineNumber: 2, gtin: demoGtins.stopcock, quantity: 500, unitPrice: '1.10', deliveryDate: day(-12) },
    ]),
    order(demoPurchaseOrders.disputed, 1, -75, [{ lineNumber: 1, gtin: demoGtins.pressureLine, quantity: 160, unitPrice: '12.00', deliveryDate: day(-45) }]),
  ];
}

/** Lots the supplier submitted earlier by form (each its purchase order line). */
export function demoLots(day: DayOffset) {
  return [
    { gtin: demoGtins.pressureLine, lot: 'DEMO-2601A', quantity: 120, manufactureDate: day(-60), expiryDate: '2028-12-31', poNumber: demoPurchaseOrders.disputed, poLine: 1 },
    { gtin: demoGtins.pressureLine, lot: 'DEMO-2601B', quantity: 40, manufactureDate: day(-58), expiryDate: '2029-01-31', poNumber: demoPurchaseOrders.disputed, poLine: 1 },
    { gtin: demoGtins.infusionSet, lot: 'IS-2610C', quantity: 1000, manufactureDate: day(-20), expiryDate: day(5 * 365), poNumber: demoPurchaseOrders.toInvoice, poLine: 1 },
    { gtin: demoGtins.stopcock, lot: 'SC-2610A', quantity: 500, manufactureDate: day(-19), expiryDate: day(5 * 365), poNumber: demoPurchaseOrders.toInvoice, poLine: 2 },
  ];
}

/** The lots of the recall in progress (not the README walkthrough's: that one the reader issues). */
export const demoRecallLots = { gtin: demoGtins.catheter, lots: ['CVC-2508K', 'CVC-2508L'] } as const;

/** Second demo distributor: it has answered the recall in progress, so its dashboard has figures. */
export const demoSecondDistributor = {
  name: 'Alpen Medizintechnik AG',
  erpId: 'C-20002',
  user: { email: 'recall@alpen-med.example', displayName: 'Anna Huber' },
} as const;

/** The catheters of the recall in progress, as the ERP reported shipping them. */
export function demoRecallShipments(day: DayOffset): ShipmentData[] {
  const [k, l] = demoRecallLots.lots;
  return [
    {
      shipmentNumber: 'SH-DEMO-0002',
      distributor: { erpId: 'C-20001' },
      dispatchedAt: `${day(-50)}T09:00:00Z`,
      lines: [
        { gtin: demoGtins.catheter, lot: k, quantity: 60, expiryDate: '2029-08-31' },
        { gtin: demoGtins.catheter, lot: l, quantity: 25, expiryDate: '2029-08-31' },
      ],
    },
    { shipmentNumber: 'SH-DEMO-0003', distributor: { erpId: demoSecondDistributor.erpId }, dispatchedAt: `${day(-48)}T09:00:00Z`, lines: [{ gtin: demoGtins.catheter, lot: k, quantity: 30, expiryDate: '2029-08-31' }] },
  ];
}

export const demoRecallNumber = 'FSCA-2026-DEMO-07';
/** The manufacturer's recall notice contact and SRN, as its administrator sets them on /admin/organisations. */
export const demoNoticeContact = { name: 'Dr. Lena Fischer, Quality Assurance', email: 'recalls@meridian-medical.example', phone: '+49 30 5550 1200', srn: 'DE-MF-000012345' };
/** What the recall in progress adds for its notices: the FSN reference and the competent authority informed (MDCG 2023-3 section 4). */
export const demoRecallFsn = { fsnReference: 'FSN-2026-07', authorities: ['BfArM (DE)', 'Swissmedic (CH)'] };
export const demoDisputedInvoice = 'SPC-INV-2026-0042';
export const demoCertificateNumbers = { expiring: 'Q5 012345 0017 Rev. 02', awaitingReview: 'CE 741852', rejected: 'COC-2610-118' } as const;
