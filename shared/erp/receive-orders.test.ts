// The ORDERS mapping on the real samples (tests/fixtures/edifact, see its MANIFEST): each is
// read as far as a message goes (UNH…UNT), whatever its envelope's own faults, which the
// CONTRL reports (tests/integration/edi-inbound.test.ts); problems name the segment from UNH = 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../edifact/tokenize.ts';
import { describeProblem } from '../edifact/problems.ts';
import { value } from '../edifact/element-values.ts';
import { readEnvelope, splitInterchanges, type EdifactMessage } from '../edifact/envelope.ts';
import { mapSalesOrder } from './receive-orders.ts';
import { localFixture, needs, sharedFixture } from '../../tests/support/fixtures.ts';

const fixtures = localFixture('edifact');

/** The first UNH…UNT of a sample, as the envelope check would hand it on. */
function firstMessage(file: string): EdifactMessage {
  const segments = tokenize(readFileSync(join(fixtures, file)), { mode: 'lenient' }).segments;
  const start = segments.findIndex((s) => s.tag === 'UNH');
  const end = segments.findIndex((s, i) => i > start && s.tag === 'UNT');
  const unh = segments[start]!;
  return { reference: value(unh, 1), type: value(unh, 2, 1), version: value(unh, 2, 2), release: value(unh, 2, 3), agency: value(unh, 2, 4), association: value(unh, 2, 5), segments: segments.slice(start, end + 1), group: null };
}

describe('mapSalesOrder on the ORDERS samples', () => {
  it('our sample: two lines with GTIN-14, whole quantities, the PRI+AAA price, order and delivery dates', () => {
    expect(mapSalesOrder(firstMessage('lotbridge/lotbridge_orders_d96a_distributor.edi'))).toEqual({
      ok: true,
      order: {
        orderNumber: 'PO-RHM-55012',
        orderDate: '2026-03-10',
        deliveryDate: '2026-03-24',
        lines: [
          { lineNumber: 1, gtin: '00950600088802', quantity: 240, unitPrice: '6.90' },
          { lineNumber: 2, gtin: '00950600088819', quantity: 50, unitPrice: null },
        ],
      },
    });
  });

  it('pydifact EAN008 order (comma decimal mark, CCYYMMDDHHMM dates in format 203): both lines read', () => {
    const r = mapSalesOrder(firstMessage('pydifact_orders_d96a_ean008_order.edi'));
    expect(r).toEqual({
      ok: true,
      order: {
        orderNumber: '801715918011',
        orderDate: '2015-08-03',
        deliveryDate: '2015-08-06',
        lines: [
          { lineNumber: 1, gtin: '05020436373085', quantity: 8, unitPrice: null },
          { lineNumber: 2, gtin: '05020436373108', quantity: 8, unitPrice: null },
        ],
      },
    });
  });

  it('staedi EAN008 order in a UNG group: the line with its GTIN, QTY+21 288 and PRI+AAA 12.80', () => {
    const r = mapSalesOrder(firstMessage('staedi_orders_d96b_ean008_with_ung.edi'));
    expect(r).toMatchObject({ ok: true, order: { orderNumber: 'C1441747', orderDate: '2001-05-02', lines: [{ lineNumber: 1, gtin: '05400111864181', quantity: 288, unitPrice: '12.80' }] } });
  });

  it('pydifact order2 (item number ABC123 of type IN, no GTIN): refused, naming LIN segment 6, element 3', () => {
    const r = mapSalesOrder(firstMessage('pydifact_orders_d96a_order2.edi'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.orderNumber).toBe('PO123456');
    expect(r.problems.map(describeProblem)).toEqual(['segment 6 (LIN), element 3, component 1: line 1 names no GTIN (LIN item number of type SRV/EN, or PIA with it)']);
  });

  it('refuses a line without quantity, a bad check digit and a message without BGM number, each at its segment', () => {
    const text = readFileSync(join(fixtures, 'lotbridge/lotbridge_orders_d96a_distributor.edi'), 'latin1').replace('0950600088802:SRV', '0950600088803:SRV').replace("QTY+21:50'", "QTY+21:0'").replace('BGM+220+PO-RHM-55012+9', 'BGM+220++9');
    const unh = tokenize(Buffer.from(text, 'latin1')).segments;
    const start = unh.findIndex((s) => s.tag === 'UNH');
    const m: EdifactMessage = { reference: '1', type: 'ORDERS', version: 'D', release: '96A', agency: 'UN', association: 'EAN008', segments: unh.slice(start, unh.findIndex((s) => s.tag === 'UNT') + 1), group: null };
    const r = mapSalesOrder(m);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map(describeProblem)).toEqual([
      'segment 2 (BGM), element 2, component 1: BGM names no document number (1004)',
      'segment 7 (LIN), element 3, component 1: GTIN 0950600088803 has a wrong check digit or length',
      'segment 10 (LIN): line 2: the ordered quantity (QTY+21) 0 is not a whole number from 1 to 999999999',
    ]);
  });
});

// Copyleft samples stay in ../shared/fixtures (never copied here): read where they are.
const copyleft = sharedFixture('edifact', 'copyleft');

/** Every message of every interchange of a copyleft sample → its order or its problems. */
function mapAll(file: string, mode: 'strict' | 'lenient' = 'strict'): { message: string; result: ReturnType<typeof mapSalesOrder> }[] {
  const out = [];
  for (const part of splitInterchanges(tokenize(readFileSync(join(copyleft, file)), { mode }))) {
    for (const m of readEnvelope(part).messages) out.push({ message: m.reference, result: mapSalesOrder(m) });
  }
  return out;
}

describe('mapSalesOrder on the copyleft ORDERS samples (../shared/fixtures/edifact/copyleft)', needs(copyleft), () => {
  it('Bots orders02 (24 interchanges back to back): 22 orders read; no LIN lines and a 12-digit quantity refused at their segments', () => {
    const all = mapAll('bots_orders_d96a_ean008_orders02.edi');
    expect(all).toHaveLength(24);
    const refused = all.filter((a) => !a.result.ok).map((a) => [a.message, a.result.ok ? [] : a.result.problems.map(describeProblem)]);
    expect(refused).toEqual([
      ['I1L0401100000T', ['segment 2 (BGM): the order has no LIN lines']],
      ['I1L0401110000T', ['segment 60 (LIN): line 3: the ordered quantity (QTY+21) 123456789012 is not a whole number from 1 to 999999999']],
    ]);
    expect(all[0]!.result).toEqual({
      ok: true,
      order: {
        orderNumber: '123',
        orderDate: '1997-09-11',
        deliveryDate: '1997-08-30',
        lines: [
          { lineNumber: 1, gtin: '08712345004002', quantity: 50, unitPrice: null },
          { lineNumber: 2, gtin: '08712345005009', quantity: 10, unitPrice: null },
          { lineNumber: 3, gtin: '08712345006006', quantity: 5, unitPrice: null },
        ],
      },
    });
  });

  it('Bots 0T0000000004 (three interchanges): three one-line orders', () => {
    expect(mapAll('bots_orders_d96a_ean008_0T0000000004.edi').map((a) => (a.result.ok ? [a.result.order.orderNumber, a.result.order.lines] : a.result.problems))).toEqual(
      ['T0000000004-1', 'T0000000004-2', 'T0000000004-3'].map((n) => [n, [{ lineNumber: 1, gtin: '02000100873151', quantity: 1, unitPrice: null }]]),
    );
  });

  it('php-edifact example order (D01B EAN010): every line names a supplier article number (SA), not a GTIN, and each is refused at its LIN', () => {
    const text = readFileSync(join(copyleft, 'phpedifact_orders_d01b_ean010_ok.edi'));
    const [m] = readEnvelope(tokenize(text)).messages;
    const r = mapSalesOrder(m!);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.every((p) => p.code === 'noGtin' && p.tag === 'LIN' && p.element === 3)).toBe(true);
    expect(r.problems.length).toBe(146);
    expect(describeProblem(r.problems[0]!)).toBe('segment 13 (LIN), element 3, component 1: line 1 names no GTIN (LIN item number of type SRV/EN, or PIA with it)');
  });

  it('django-pyas2 Amazon order (lenient: its UNB placeholders are lower case under UNOA): a UPC with a wrong check digit and a line with only an SA number, each at its LIN', () => {
    const [one] = mapAll('djangopyas2_orders_d96a_ean008_amazon.edi', 'lenient');
    expect(one!.result.ok ? [] : one!.result.problems.map(describeProblem)).toEqual([
      'segment 17 (LIN), element 3, component 1: GTIN 390787706322 has a wrong check digit or length',
      'segment 20 (LIN), element 3, component 1: line 3 names no GTIN (LIN item number of type SRV/EN, or PIA with it)',
    ]);
  });
});
