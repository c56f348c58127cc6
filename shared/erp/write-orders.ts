// EANCOM ORDERS (D.96A, EAN008) out: a purchase order of ours to a supplier that exchanges EDI.
// BGM 220 with function 9 (original) for the first version, 5 (replace) for later ones and 1
// (cancellation) for a cancelled order,
// order date, buyer and supplier by their EDI ids, currency, and per line the GTIN, ordered
// quantity, net price and requested delivery date; UNS/CNT close the detail section.
import { encodeInterchange, writeInterchange, type WriteSegment } from '../edifact/write.ts';

export interface OrdersInput {
  poNumber: string;
  version: number;
  /** The order was cancelled: BGM function 1. */
  cancelled?: boolean;
  /** YYYY-MM-DD */
  orderDate: string;
  currency: string;
  lines: { lineNumber: number; gtin: string; quantity: number; unitPrice: string; deliveryDate?: string | null }[];
  /** Our EDI id (UNB sender, NAD+BY) and the supplier's (UNB recipient, NAD+SU). */
  ours: { id: string; qualifier: string };
  supplier: { id: string; qualifier: string };
  /** UNB 0020 / UNH 0062: unique per interchange we send (at most 14 characters). */
  reference: string;
  preparedAt: Date;
}

const ccyymmdd = (date: string) => date.replaceAll('-', '');
/** NAD party id code list: 9 = GS1 (GLN, UNB qualifier 14), else 92 (assigned by the buyer). */
const partyAgency = (qualifier: string) => (qualifier === '14' ? '9' : '92');

export function writeOrders(input: OrdersInput): Uint8Array {
  const segments: WriteSegment[] = [
    { tag: 'BGM', elements: ['220', input.poNumber, input.cancelled ? '1' : input.version > 1 ? '5' : '9'] },
    { tag: 'DTM', elements: [['137', ccyymmdd(input.orderDate), '102']] },
    { tag: 'NAD', elements: ['BY', [input.ours.id, '', partyAgency(input.ours.qualifier)]] },
    { tag: 'NAD', elements: ['SU', [input.supplier.id, '', partyAgency(input.supplier.qualifier)]] },
    { tag: 'CUX', elements: [['2', input.currency, '9']] },
  ];
  for (const l of input.lines) {
    segments.push({ tag: 'LIN', elements: [String(l.lineNumber), '', [l.gtin, 'SRV']] });
    segments.push({ tag: 'QTY', elements: [['21', String(l.quantity)]] });
    if (l.deliveryDate) segments.push({ tag: 'DTM', elements: [['2', ccyymmdd(l.deliveryDate), '102']] });
    segments.push({ tag: 'PRI', elements: [['AAA', l.unitPrice]] });
  }
  segments.push({ tag: 'UNS', elements: ['S'] }, { tag: 'CNT', elements: [['2', String(input.lines.length)]] });
  const at = input.preparedAt.toISOString();
  const text = writeInterchange({
    syntax: ['UNOC', '3'],
    sender: [input.ours.id, input.ours.qualifier],
    recipient: [input.supplier.id, input.supplier.qualifier],
    preparedAt: [at.slice(2, 10).replaceAll('-', ''), at.slice(11, 16).replace(':', '')],
    reference: input.reference,
    messages: [{ reference: '1', type: ['ORDERS', 'D', '96A', 'UN', 'EAN008'], segments }],
  });
  return encodeInterchange(text, 'UNOC');
}
