// ORDRSP (EANCOM D.96A): a supplier's answer to our purchase order, mapped to the input of
// respondToPurchaseOrder, the use case the portal's order page calls too. BGM 1225 says
// accepted (29), changed (4) or not accepted (27) for the whole order; each LIN 1229 for its
// line (5 accepted, 3 changed, 7 not accepted; none: as the header), with the quantity it will
// deliver (QTY+113, else QTY+21) and date (DTM+2/17/67). The use case checks the rest (the
// order is the supplier's own, each LIN 1082 names a line of it and its GTIN is that line's);
// its refusals are reported here against the segment each field was read from.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { isAppError, type Problem, type Problems } from '../errors.ts';
import { decimalValue, value } from '../edifact/element-values.ts';
import type { Segment } from '../edifact/interchange.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import type { EdifactProblem } from '../edifact/problems.ts';
import { refusedWith, type MessageResult } from '../edi/inbound/message-result.ts';
import { fieldProblem } from '../edi/inbound/field-problem.ts';
import { find, gtinOf, problemAt, quantityOf, splitLines } from './message-segments.ts';
import { bgmProblems, documentProblemTexts, dtmDate } from './store-edi-document.ts';
import { respondToPurchaseOrder, responseProblems, type PurchaseOrderResponseInput, type ResponseStatus } from '../orders/respond-to-purchase-order.ts';
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

/** The segment (and element) a field of the use case's input was read from. */
type Sources = Record<string, { segment: Segment; element?: number; component?: number }>;

/** The use case's problems as the APERAK names them: the ORDRSP codes and texts partners know, else the catalogue's English. */
function ediProblems(m: EdifactMessage, problems: Problems, sources: Sources): EdifactProblem[] {
  return Object.entries(problems).map(([field, p]: [string, Problem]) => {
    const at = sources[field] ?? sources[field.replace(/\/\w+$/, '/lineNumber')] ?? sources.responseNumber!;
    const params = Object.fromEntries(Object.entries(p.params ?? {}).map(([k, v]) => [k, typeof v === 'object' ? v.term : v]));
    const where = { element: at.element, component: at.component };
    switch (p.code) {
      case 'orders.unknownPurchaseOrder':
        return problemAt(m, at.segment, 'unknownPurchaseOrder', fill(ordrspProblemTexts.unknownPurchaseOrder, params), { po: params.po! }, where);
      case 'orders.unknownPoLine':
        return problemAt(m, at.segment, 'unknownPoLine', fill(ordrspProblemTexts.unknownPoLine, params), { line: params.line! }, where);
      case 'orders.gtinNotOnLine':
        return problemAt(m, at.segment, 'gtinNotOnLine', fill(ordrspProblemTexts.gtinNotOnLine, params), { gtin: params.gtin! }, where);
      case 'orders.noLines':
        return problemAt(m, at.segment, 'noLines', ordrspProblemTexts.noLines);
      case 'orders.duplicateResponse':
        return problemAt(m, at.segment, 'duplicateDocument', fill(documentProblemTexts.duplicateDocument, params), { number: params.number! }, where);
      default: {
        const base = m.segments[0]!.position - 1;
        return fieldProblem(field, p, { segment: at.segment.position - base, tag: at.segment.tag, ...where }, m.reference);
      }
    }
  });
}

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

  const sources: Sources = { responseNumber: { segment: bgm, element: 2, component: 1 }, status: { segment: bgm, element: 3 }, lines: { segment: bgm }, note: { segment: bgm }, purchaseOrder: { segment: rff!, element: 1, component: 2 } };
  const dtm = find(header, 'DTM', '137');
  const input: PurchaseOrderResponseInput = { purchaseOrder: poNumber, responseNumber: number, responseDate: dtm ? dtmDate(dtm) : null, status, lines: [] };
  lines.forEach((line, i) => {
    const action = value(line.lin, 2);
    if (action && !lineStatus[action]) problems.push(problemAt(m, line.lin, 'badValue', fill(ordrspProblemTexts.badAction, { code: action }), { code: action }, { element: 2 }));
    const qty = quantityOf(line.segments, '113', '21');
    const quantity = qty ? decimalValue(qty.value) : null;
    if (qty && quantity === null) problems.push(problemAt(m, qty.segment, 'badNumber', fill(ordrspProblemTexts.badQuantity, { value: qty.value }), { value: qty.value }, { element: 1, component: 2 }));
    const date = line.segments.find((s) => s.tag === 'DTM' && ['2', '17', '67'].includes(value(s, 1, 1)));
    sources[`lines/${i}/lineNumber`] = { segment: line.lin, element: 1 };
    sources[`lines/${i}/status`] = { segment: line.lin, element: 2 };
    sources[`lines/${i}/gtin`] = { segment: line.lin, element: 3, component: 1 };
    sources[`lines/${i}/quantity`] = qty ? { segment: qty.segment, element: 1, component: 2 } : { segment: line.lin };
    sources[`lines/${i}/deliveryDate`] = date ? { segment: date, element: 1, component: 2 } : { segment: line.lin };
    input.lines.push({ lineNumber: value(line.lin, 1), gtin: gtinOf(line), status: lineStatus[action], quantity, deliveryDate: date ? dtmDate(date) : null });
  });

  // What the mapping refused, with what the use case finds in the rest, all at once.
  if (problems.length) return refusedWith([...problems, ...ediProblems(m, await responseProblems(ctx, actor, input), sources)], refers);
  try {
    const response = await respondToPurchaseOrder(ctx, actor, input, { source: 'edifact', interchangeId: origin.interchangeId, messageReference: m.reference });
    return { status: 'accepted', records: [{ type: 'edi_document', id: response.id }], problems: [], ...refers };
  } catch (e) {
    if (!isAppError(e) || !e.problems) throw e;
    return refusedWith(ediProblems(m, e.problems, sources), refers);
  }
}
