// ORDRSP (EANCOM D.96A): a supplier's answer to our purchase order. BGM 1225 says accepted
// (29), changed (4) or not accepted (27) for the whole order; each LIN 1229 for its line
// (5 accepted, 3 changed, 7 not accepted; none: as the header), with the quantity it will
// deliver (QTY+113, else QTY+21) and date (DTM+2/17/67). The order (RFF+ON) must be the
// supplier's own; each LIN 1082 names a line of it and its GTIN must be that line's.
// Becomes a purchase_order_response record and a `purchase_order.responded` event.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { decimalValue, value } from '../edifact/element-values.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { refusedWith, type MessageResult } from '../edi/inbound/message-result.ts';
import { find, gtinOf, problemAt, quantityOf, splitLines } from './message-segments.ts';
import { bgmProblems, dtmDate, storeEdiDocument } from './store-edi-document.ts';
import { fill } from '../fill.ts';

export const ordrspProblemTexts = {
  noOrder: 'the response names no purchase order (RFF+ON before the first LIN)',
  unknownPurchaseOrder: 'purchase order {po} is not one of yours',
  unknownPoLine: 'line {line} is not a line of purchase order {po}',
  gtinNotOnLine: 'GTIN {gtin} is not the GTIN ordered on line {line} of purchase order {po} ({ordered})',
  badResponse: 'response code {code} is not 29 (accepted), 4 (changed) or 27 (not accepted)',
  badAction: 'line action {code} is not 5 (accepted), 3 (changed) or 7 (not accepted)',
  badQuantity: 'quantity {value} is not a number',
  noLines: 'the response has no LIN lines',
} as const;

const headerStatus: Record<string, ResponseStatus> = { '29': 'accepted', '4': 'changed', '27': 'rejected' };
const lineStatus: Record<string, ResponseStatus> = { '5': 'accepted', '3': 'changed', '7': 'rejected' };
type ResponseStatus = 'accepted' | 'changed' | 'rejected';

export async function receiveOrdrsp(ctx: UseCaseContext, actor: Actor, m: EdifactMessage, origin: { interchangeId: string }): Promise<MessageResult> {
  const { header, lines } = splitLines(m);
  const bgm = find(header, 'BGM');
  const problems = bgmProblems(m, bgm);
  if (!bgm) return refusedWith(problems);
  const number = value(bgm, 2, 1);
  const code = value(bgm, 3);
  const status = headerStatus[code];
  if (code && !status) problems.push(problemAt(m, bgm, 'badValue', fill(ordrspProblemTexts.badResponse, { code }), { code }, { element: 3 }));
  const rff = find(header, 'RFF', 'ON');
  const poNumber = rff ? value(rff, 1, 2) : '';
  const refers = { documentNumber: number, purchaseOrder: poNumber || undefined };
  if (!poNumber) return refusedWith([...problems, problemAt(m, rff ?? bgm, 'noPurchaseOrder', ordrspProblemTexts.noOrder)], refers);
  const po = await ctx.db.get<{ id: string }>('SELECT id FROM purchase_orders WHERE po_number = ? AND supplier_organisation_id = ?', [poNumber, actor.organisationId]);
  if (!po) return refusedWith([...problems, problemAt(m, rff!, 'unknownPurchaseOrder', fill(ordrspProblemTexts.unknownPurchaseOrder, { po: poNumber }), { po: poNumber }, { element: 1, component: 2 })], refers);
  if (lines.length === 0) problems.push(problemAt(m, bgm, 'noLines', ordrspProblemTexts.noLines));
  const poLines = new Map(
    (await ctx.db.all<{ line_number: number; gtin: string }>('SELECT line_number, gtin FROM purchase_order_lines WHERE purchase_order_id = ?', [po.id])).map((l) => [l.line_number, l.gtin]),
  );
  const out = [];
  for (const line of lines) {
    const lineNumber = value(line.lin, 1);
    const ordered = /^\d+$/.test(lineNumber) ? poLines.get(Number(lineNumber)) : undefined;
    if (ordered === undefined) problems.push(problemAt(m, line.lin, 'unknownPoLine', fill(ordrspProblemTexts.unknownPoLine, { line: lineNumber, po: poNumber }), { line: lineNumber }, { element: 1 }));
    const gtin = gtinOf(line);
    const gtin14 = isValidGtin(gtin) ? toGtin14(gtin) : gtin;
    if (gtin && ordered !== undefined && gtin14 !== ordered) {
      problems.push(problemAt(m, line.lin, 'gtinNotOnLine', fill(ordrspProblemTexts.gtinNotOnLine, { gtin, line: lineNumber, po: poNumber, ordered }), { gtin }, { element: 3, component: 1 }));
    }
    const action = value(line.lin, 2);
    if (action && !lineStatus[action]) problems.push(problemAt(m, line.lin, 'badValue', fill(ordrspProblemTexts.badAction, { code: action }), { code: action }, { element: 2 }));
    const qty = quantityOf(line.segments, '113', '21');
    const quantity = qty ? decimalValue(qty.value) : null;
    if (qty && quantity === null) problems.push(problemAt(m, qty.segment, 'badNumber', fill(ordrspProblemTexts.badQuantity, { value: qty.value }), { value: qty.value }, { element: 1, component: 2 }));
    const dtm = line.segments.find((s) => s.tag === 'DTM' && ['2', '17', '67'].includes(value(s, 1, 1)));
    out.push({ lineNumber: Number(lineNumber) || 0, gtin: ordered ?? gtin14, status: lineStatus[action] ?? status ?? 'accepted', quantity, deliveryDate: dtm ? dtmDate(dtm) : null });
  }
  if (problems.length) return refusedWith(problems, refers);
  const overall: ResponseStatus = status ?? (out.every((l) => l.status === 'accepted') ? 'accepted' : out.every((l) => l.status === 'rejected') ? 'rejected' : 'changed');
  const dtm = find(header, 'DTM', '137');
  const org = (await ctx.db.get<{ erp_id: string | null }>('SELECT erp_id FROM organisations WHERE id = ?', [actor.organisationId]))!;
  const stored = await storeEdiDocument(
    ctx,
    actor,
    { kind: 'purchase_order_response', documentNumber: number, documentDate: dtm ? dtmDate(dtm) : null, refersTo: { type: 'purchase_order', id: po.id }, status: overall, lines: out, interchangeId: origin.interchangeId, messageReference: m.reference },
    {
      type: 'purchase_order.responded',
      data: {
        responseNumber: number,
        responseDate: dtm ? dtmDate(dtm) : null,
        supplier: { organisationId: actor.organisationId, erpId: org.erp_id, name: actor.organisationName },
        purchaseOrder: { id: po.id, poNumber },
        status: overall,
        lines: out,
      },
    },
    m,
  );
  if ('problems' in stored) return refusedWith(stored.problems, refers);
  return { status: 'accepted', records: [{ type: 'edi_document', id: stored.id }], problems: [], ...refers };
}
