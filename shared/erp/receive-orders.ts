// ORDERS (EANCOM D.96A) from a distributor: its purchase order to us, read by the engine's line
// reader (map-orders.ts: GTIN, QTY+21, PRI+AAA/AAB per LIN). Each line needs a
// valid GTIN and a whole quantity of at least 1. Becomes a sales_order record and a
// `sales_order.received` event for the ERP, which books the order.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import type { EdifactProblem } from '../edifact/problems.ts';
import { value } from '../edifact/element-values.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { mapOrders } from './map-orders.ts';
import { refusedWith, type MessageResult } from '../edi/inbound/message-result.ts';
import { find, problemAt, splitLines, wholeNumber } from './message-segments.ts';
import { bgmProblems, dtmDate, storeEdiDocument } from './store-edi-document.ts';
import { fill } from '../fill.ts';

export const ordersProblemTexts = {
  badGtin: 'GTIN {gtin} has a wrong check digit or length',
  noGtin: 'line {line} names no GTIN (LIN item number of type SRV/EN, or PIA with it)',
  badQuantity: 'line {line}: the ordered quantity (QTY+21) {value} is not a whole number from 1 to 999999999',
  noLines: 'the order has no LIN lines',
} as const;

export interface SalesOrder {
  orderNumber: string;
  orderDate: string | null;
  deliveryDate: string | null;
  lines: { lineNumber: number; gtin: string; quantity: number; unitPrice: string | null }[];
}

/** The order as the ERP gets it, or every problem with its segment (UNH = 1). */
export function mapSalesOrder(m: EdifactMessage): { ok: true; order: SalesOrder } | { ok: false; problems: EdifactProblem[]; orderNumber?: string } {
  const { header } = splitLines(m);
  const bgm = find(header, 'BGM');
  const problems = bgmProblems(m, bgm);
  if (!bgm) return { ok: false, problems };
  const base = m.segments[0]!.position - 1;
  const linAt = (segment: number) => m.segments.find((s) => s.position - base === segment) ?? null;
  const read = mapOrders(m);
  if (read.length === 0) problems.push(problemAt(m, bgm, 'noLines', ordersProblemTexts.noLines));
  const lines = read.map((l) => {
    const lin = linAt(l.segment);
    if (!l.gtin) problems.push(problemAt(m, lin, 'noGtin', fill(ordersProblemTexts.noGtin, { line: l.lineNumber }), { line: l.lineNumber }, { element: 3, component: 1 }));
    else if (!isValidGtin(l.gtin)) problems.push(problemAt(m, lin, 'badGtin', fill(ordersProblemTexts.badGtin, { gtin: l.gtin }), { gtin: l.gtin }, { element: 3, component: 1 }));
    const quantity = l.quantity === null ? null : wholeNumber(l.quantity);
    // The line reader keeps the LIN's position only: the problem names the LIN of the line.
    if (!quantity) problems.push(problemAt(m, lin, 'badQuantity', fill(ordersProblemTexts.badQuantity, { line: l.lineNumber, value: l.quantity ?? '(none)' }), { value: l.quantity ?? '' }));
    return { lineNumber: Number(l.lineNumber) || 0, gtin: isValidGtin(l.gtin) ? toGtin14(l.gtin) : l.gtin, quantity: quantity ?? 0, unitPrice: l.price };
  });
  const orderNumber = value(bgm, 2, 1);
  if (problems.length) return { ok: false, problems, orderNumber };
  const dtm = find(header, 'DTM', '137');
  const delivery = find(header, 'DTM', '2');
  return { ok: true, order: { orderNumber, orderDate: dtm ? dtmDate(dtm) : null, deliveryDate: delivery ? dtmDate(delivery) : null, lines } };
}

export async function receiveOrders(ctx: UseCaseContext, actor: Actor, m: EdifactMessage, origin: { interchangeId: string }): Promise<MessageResult> {
  const mapped = mapSalesOrder(m);
  if (!mapped.ok) return refusedWith(mapped.problems, { documentNumber: mapped.orderNumber });
  const { order } = mapped;
  const refers = { documentNumber: order.orderNumber };
  const org = (await ctx.db.get<{ erp_id: string | null }>('SELECT erp_id FROM organisations WHERE id = ?', [actor.organisationId]))!;
  const stored = await storeEdiDocument(
    ctx,
    actor,
    { kind: 'sales_order', documentNumber: order.orderNumber, documentDate: order.orderDate, refersTo: null, status: 'received', lines: order.lines, interchangeId: origin.interchangeId, messageReference: m.reference },
    { type: 'sales_order.received', data: { ...order, distributor: { organisationId: actor.organisationId, erpId: org.erp_id, name: actor.organisationName } } },
    m,
  );
  if ('problems' in stored) return refusedWith(stored.problems, refers);
  return { status: 'accepted', records: [{ type: 'edi_document', id: stored.id }], problems: [], ...refers };
}
