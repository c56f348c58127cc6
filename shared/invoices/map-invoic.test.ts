import { describe, expect, it } from 'vitest';
import { tokenize } from '../edifact/tokenize.ts';
import { describeProblem } from '../edifact/problems.ts';
import { readEnvelope } from '../edifact/envelope.ts';
import { writeInterchange, type WriteSegment } from '../edifact/write.ts';
import { mapInvoic } from './map-invoic.ts';

const message = (segments: WriteSegment[]) =>
  readEnvelope(tokenize(writeInterchange({ syntax: ['UNOC', '3'], sender: ['S'], recipient: ['R'], preparedAt: ['260320', '1015'], reference: 'I1', messages: [{ reference: 'M1', type: ['INVOIC', 'D', '01B', 'UN', 'EAN010'], segments }] }))).messages[0]!;

const header: WriteSegment[] = [
  { tag: 'BGM', elements: [['380'], 'INV-9', '9'] },
  { tag: 'DTM', elements: [['137', '20260320', '102']] },
  { tag: 'RFF', elements: [['ON', 'PO-9']] },
  { tag: 'CUX', elements: [['2', 'EUR', '4']] },
  { tag: 'PAT', elements: ['1', '', ['5', '3', 'D', '30']] },
  { tag: 'TAX', elements: ['7', 'VAT', '', '', ['', '', '', '19']] },
];
const summary: WriteSegment[] = [
  { tag: 'UNS', elements: ['S'] },
  { tag: 'MOA', elements: [['125', '20.000']] },
  { tag: 'MOA', elements: [['150', '3.80']] },
  { tag: 'MOA', elements: [['86', '23.80']] },
];

describe('mapInvoic', () => {
  it('maps GTIN from PIA, the price per basis, the header VAT rate, PAT terms and the summary MOAs', () => {
    const r = mapInvoic(
      message([
        ...header,
        { tag: 'LIN', elements: ['1'] },
        { tag: 'PIA', elements: ['5', ['09506000134352', 'SRV']] },
        { tag: 'QTY', elements: [['47', '4']] },
        { tag: 'PRI', elements: [['AAB', '500', '', '', '100']] },
        { tag: 'RFF', elements: [['LI', '', '10']] },
        ...summary,
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.submission).toEqual({
      number: 'INV-9',
      invoiceDate: '2026-03-20',
      dueDate: '2026-04-19',
      currency: 'EUR',
      paymentTerms: '30 days',
      purchaseOrder: 'PO-9',
      lines: [{ poLine: 10, order: undefined, gtin: '09506000134352', description: '', quantity: '4', unitPrice: '5', taxRate: '19', lineNet: '20.00' }],
      netTotal: '20.00',
      taxTotal: '3.80',
      grossTotal: '23.80',
    });
    expect(r.value.sources['lines/0/gtin']).toEqual({ segment: 9, tag: 'PIA', element: 2, component: 1 });
  });

  it('reports every mapping problem with its segment and tag', () => {
    const r = mapInvoic(message([{ tag: 'BGM', elements: [['381'], 'CN-1'] }, { tag: 'DTM', elements: [['137', '20260231', '102']] }, { tag: 'LIN', elements: ['1', '', ['123', 'IN']] }, { tag: 'UNS', elements: ['S'] }]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map(describeProblem)).toEqual([
      'segment 2 (BGM), element 1, component 1: document 381 is a credit note; credit notes cannot be uploaded as invoices',
      'segment 3 (DTM), element 1, component 2: 20260231 is not a date in format 102',
      'segment 2 (BGM): the message has no due date (DTM+13, or DTM+13/140 after PAT)',
      'segment 2 (BGM): the message has no currency (CUX)',
      'segment 4 (LIN), element 3, component 1: the line names no GTIN (LIN item number of type SRV/EN, or PIA with SRV)',
      'segment 4 (LIN): the line has no invoiced quantity (QTY+47)',
      'segment 4 (LIN): the line has no net price (PRI+AAA, or PRI+AAB without allowances)',
      'segment 4 (LIN): no VAT rate for the line (TAX+7+VAT+++:::rate on the line or in the header)',
      'segment 2 (BGM): the message has no order number (RFF+ON)',
      'segment 5 (UNS): the message has no net total (MOA+79 or MOA+125 after UNS)',
      'segment 5 (UNS): the message has no tax total (MOA+176, MOA+150 or MOA+124 after UNS)',
      'segment 5 (UNS): the message has no gross total (MOA+77 or MOA+86 after UNS)',
    ]);
  });
});
