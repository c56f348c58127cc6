import { describe, expect, it } from 'vitest';
import { tokenize } from '../edifact/tokenize.ts';
import { readEnvelope } from '../edifact/envelope.ts';
import { writeInterchange, type WriteSegment } from '../edifact/write.ts';
import { mapDesadv } from './map-desadv.ts';
import { translate } from '../i18n/index.ts';
import { mapOrders } from '../erp/map-orders.ts';

const message = (segments: WriteSegment[], type = ['DESADV', 'D', '96A', 'UN', 'EAN005']) =>
  readEnvelope(tokenize(writeInterchange({ syntax: ['UNOC', '3'], sender: ['S', '14'], recipient: ['R', '14'], preparedAt: ['260320', '1015'], reference: 'I1', messages: [{ reference: 'M1', type, segments }] }))).messages[0]!;

const header: WriteSegment[] = [
  { tag: 'BGM', elements: [['351'], 'DA-77', '9'] },
  { tag: 'DTM', elements: [['137', '20260320', '102']] },
  { tag: 'DTM', elements: [['11', '202603201400', '203']] },
  { tag: 'RFF', elements: [['ON', '4500012345']] },
  { tag: 'NAD', elements: ['SU', ['4012345000009', '', '9']] },
  { tag: 'NAD', elements: ['BY', ['5412345000013', '', '9']] },
];

describe('mapDesadv', () => {
  it('names what is missing or repeated by a catalogue term, so each language words it whole', () => {
    const r = mapDesadv(
      message([
        ...header,
        { tag: 'LIN', elements: ['1', '', ['09506000134352', 'SRV']] },
        { tag: 'PIA', elements: ['1', ['L2603A', 'NB']] },
        { tag: 'QTY', elements: [['12', '']] },
        { tag: 'DTM', elements: [['36', '20290228', '102']] },
        { tag: 'DTM', elements: [['36', '20290301', '102']] },
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byCode = Object.fromEntries(r.problems.map((p) => [p.code, p]));
    expect(byCode.missingValue!.params).toEqual({ what: { term: 'lots.edifact.what.quantity' } });
    expect(byCode.missingValue!.message).toBe('the despatched quantity is empty');
    expect(byCode.duplicateDate!.params).toEqual({ what: { term: 'lots.edifact.what.expiryDate' }, first: '2029-02-28', second: '2029-03-01' });
    expect(translate('zh-CN', 'lots.edifact.problem.duplicateDate', byCode.duplicateDate!.params)).toBe('该行两次给出有效期，且值不同（2029-02-28、2029-03-01）。');
    expect(translate('zh-CN', 'invoices.edifact.problem.missingValue', byCode.missingValue!.params)).toBe('发货数量为空。');
  });

  it('maps GTIN, lot, serials, expiry, production date, quantity, order and the SSCC of the CPS group', () => {
    const r = mapDesadv(
      message(
        [
          ...header,
          { tag: 'CPS', elements: ['1'] },
          { tag: 'PAC', elements: ['1', '', '201'] },
          { tag: 'PCI', elements: ['33E'] },
          { tag: 'GIN', elements: ['BJ', '340123450000000017'] },
          { tag: 'LIN', elements: ['1', '', ['09506000134352', 'SRV']] },
          { tag: 'PIA', elements: ['1', ['L2603A', 'NB']] },
          { tag: 'QTY', elements: [['12', '48.000']] },
          { tag: 'DTM', elements: [['94', '20260301', '102']] },
          { tag: 'PCI', elements: ['36E'] },
          { tag: 'DTM', elements: [['36', '20290228', '102']] },
          { tag: 'RFF', elements: [['ON', '4500012399', '2']] },
          { tag: 'LIN', elements: ['2', '', ['09506000134369', 'EN']] },
          { tag: 'QTY', elements: [['12', '3']] },
          { tag: 'PCI', elements: ['36E'] },
          { tag: 'GIN', elements: ['BX', 'L2603B'] },
          { tag: 'GIN', elements: ['BN', 'SN1', 'SN2'] },
          { tag: 'PIA', elements: ['1', ['SN3', 'SN']] },
          { tag: 'CPS', elements: ['2', '1'] },
          { tag: 'PAC', elements: ['1', '', '201'] },
          { tag: 'LIN', elements: ['3'] },
          { tag: 'PIA', elements: ['5', ['09506000134376', 'SRV']] },
          { tag: 'PIA', elements: ['1', ['L2603C', 'NB']] },
          { tag: 'QTY', elements: [['12', '1']] },
        ],
        ['DESADV', 'D', '01B', 'UN', 'EAN007'],
      ),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { advice, sources } = r.value;
    expect({ ...advice, lines: undefined }).toEqual({
      messageReference: 'M1',
      number: 'DA-77',
      documentDate: '2026-03-20',
      despatchDate: '2026-03-20',
      purchaseOrder: '4500012345',
      supplier: '4012345000009',
      buyer: '5412345000013',
      deliveryParty: null,
      lines: undefined,
    });
    expect(advice.lines).toEqual([
      { lineNumber: '1', gtin: '09506000134352', lot: 'L2603A', serials: [], expiryDate: '2029-02-28', productionDate: '2026-03-01', quantity: 48, purchaseOrder: '4500012399', poLine: '2', ssccs: ['340123450000000017'] },
      { lineNumber: '2', gtin: '09506000134369', lot: 'L2603B', serials: ['SN1', 'SN2', 'SN3'], expiryDate: null, productionDate: null, quantity: 3, purchaseOrder: '4500012345', poLine: null, ssccs: ['340123450000000017'] },
      { lineNumber: '3', gtin: '09506000134376', lot: 'L2603C', serials: [], expiryDate: null, productionDate: null, quantity: 1, purchaseOrder: '4500012345', poLine: null, ssccs: [] },
    ]);
    // Where each field was read (UNH = 1): the lot of line 2 is GIN+BX at 22, its serials start at GIN+BN (23).
    expect(sources['lines/1/lot']).toEqual({ segment: 22, tag: 'GIN', element: 2, component: 1 });
    expect(sources['lines/1/serials']).toEqual({ segment: 23, tag: 'GIN', element: 2, component: 1 });
    expect(sources['lines/0/expiry_date']).toEqual({ segment: 17, tag: 'DTM', element: 1, component: 2 });
    expect(sources['lines/2/gtin']).toEqual({ segment: 28, tag: 'PIA', element: 2, component: 1 });
    expect(sources['lines/0/po_line']).toEqual({ segment: 18, tag: 'RFF', element: 1, component: 3 });
  });

  it('refuses with every problem at its segment: no GTIN, no lot, several lots, a fractional quantity, a bad date, a serial range', () => {
    const r = mapDesadv(
      message([
        ...header,
        { tag: 'LIN', elements: ['1', '', ['123', 'IN']] },
        { tag: 'PIA', elements: ['1', ['L1', 'NB']] },
        { tag: 'QTY', elements: [['12', '2.5']] },
        { tag: 'LIN', elements: ['2', '', ['09506000134352', 'SRV']] },
        { tag: 'QTY', elements: [['12', '4']] },
        { tag: 'DTM', elements: [['36', '20290230', '102']] },
        { tag: 'LIN', elements: ['3', '', ['09506000134352', 'SRV']] },
        { tag: 'GIN', elements: ['BX', 'LA', 'LB'] },
        { tag: 'GIN', elements: ['BN', ['S1', 'S9']] },
        { tag: 'QTY', elements: [['12', '2']] },
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.segment, p.tag, p.element ?? null, p.component ?? null])).toEqual([
      ['noGtin', 8, 'LIN', 3, 1],
      ['notWholeQuantity', 10, 'QTY', 1, 2],
      ['noLot', 11, 'LIN', null, null],
      ['badDate', 13, 'DTM', 1, 2],
      ['serialRange', 16, 'GIN', 2, 2],
      ['severalLots', 14, 'LIN', null, null],
    ]);
    expect(r.problems.every((p) => p.messageReference === 'M1')).toBe(true);
  });

  it('refuses a message that is not a DESADV and a document that is not a despatch advice', () => {
    const notDesadv = mapDesadv(message([{ tag: 'BGM', elements: ['220', 'PO1'] }], ['ORDERS', 'D', '96A', 'UN']));
    expect(notDesadv).toMatchObject({ ok: false, problems: [{ code: 'notDesadv', segment: 1, tag: 'UNH', element: 2, component: 1 }] });
    const credit = mapDesadv(message([{ tag: 'BGM', elements: ['220', 'X'] }, { tag: 'LIN', elements: ['1', '', ['09506000134352', 'SRV']] }, { tag: 'PIA', elements: ['1', ['L', 'NB']] }, { tag: 'QTY', elements: [['12', '1']] }]));
    expect(credit).toMatchObject({ ok: false, problems: [{ code: 'unsupportedDocument', segment: 2, tag: 'BGM', element: 1 }] });
  });
});

describe('mapOrders', () => {
  it('reads the lines of an ORDERS message with GTIN, quantity, price and order number', () => {
    const lines = mapOrders(
      message(
        [
          { tag: 'BGM', elements: [['220'], 'PO-1', '9'] },
          { tag: 'LIN', elements: ['1', '', ['09506000134352', 'EN']] },
          { tag: 'QTY', elements: [['21', '10']] },
          { tag: 'PRI', elements: [['AAA', '3,85']] },
          { tag: 'LIN', elements: ['2'] },
          { tag: 'PIA', elements: ['5', ['09506000134369', 'SRV']] },
          { tag: 'QTY', elements: [['21', '2']] },
          { tag: 'UNS', elements: ['S'] },
        ],
        ['ORDERS', 'D', '96A', 'UN', 'EAN008'],
      ),
    );
    expect(lines).toEqual([
      { purchaseOrder: 'PO-1', lineNumber: '1', gtin: '09506000134352', quantity: '10', price: '3.85', segment: 3 },
      { purchaseOrder: 'PO-1', lineNumber: '2', gtin: '09506000134369', quantity: '2', price: null, segment: 6 },
    ]);
  });
});
