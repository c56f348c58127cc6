// One INVOIC of an inbound interchange → an invoice through submitInvoice (the form's use case),
// with order lines the message leaves open matched by GTIN within the partner's order, as
// shared/invoices/submit-invoic-file.ts does for uploads; every refusal names its segment.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import { isAppError } from '../errors.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { fill, type EdifactProblem } from '../edifact/tokenize.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { mapInvoic, type MappedInvoic } from '../invoices/map-invoic.ts';
import { invoicFileProblemTexts } from '../invoices/submit-invoic-file.ts';
import { submitInvoice, type InvoiceSubmission } from '../invoices/submit-invoice.ts';
import { refusedWith, type MessageResult } from './message-result.ts';

type Where = Partial<Pick<EdifactProblem, 'segment' | 'tag' | 'element' | 'component' | 'messageReference' | 'field'>>;

function problem(code: 'gtinNotOnOrder' | 'gtinAmbiguous' | 'field', params: Record<string, string>, at: Where): EdifactProblem {
  return { code, message: fill(invoicFileProblemTexts[code], params), params, segment: null, tag: null, ...at };
}

/** Fills the order lines the message leaves open (no RFF+LI) by GTIN within the partner's order. */
async function matchByGtin(ctx: UseCaseContext, actor: Actor, mapped: MappedInvoic): Promise<{ submission: InvoiceSubmission; problems: EdifactProblem[] }> {
  const s = mapped.submission;
  const problems: EdifactProblem[] = [];
  const scope = ownedBy(actor, 'supplier_organisation_id');
  const po = await ctx.db.get<{ id: string }>(`SELECT id FROM purchase_orders WHERE po_number = ? AND ${scope.sql}`, [s.purchaseOrder, ...scope.args]);
  const poLines = po ? await ctx.db.all<{ line_number: number; gtin: string }>('SELECT line_number, gtin FROM purchase_order_lines WHERE purchase_order_id = ? ORDER BY line_number', [po.id]) : [];
  const lines = s.lines.map(({ order: _order, ...l }, i) => {
    if (l.poLine !== null) return { ...l, poLine: l.poLine };
    // An unknown order is submitInvoice's to report; 0 keeps a second, misleading "line required" away.
    if (!po) return { ...l, poLine: 0 };
    const gtin14 = isValidGtin(l.gtin) ? toGtin14(l.gtin) : l.gtin;
    const found = poLines.filter((p) => p.gtin === gtin14);
    if (found.length === 1) return { ...l, poLine: found[0]!.line_number };
    const at = mapped.sources[`lines/${i}/gtin`] ?? mapped.sources[`lines/${i}/poLine`];
    const where = { segment: at?.segment ?? null, tag: at?.tag ?? null, element: at?.element, component: at?.component, messageReference: mapped.messageReference };
    if (found.length === 0) problems.push(problem('gtinNotOnOrder', { gtin: l.gtin, po: s.purchaseOrder }, where));
    else problems.push(problem('gtinAmbiguous', { gtin: l.gtin, po: s.purchaseOrder, lines: found.map((p) => p.line_number).join(', ') }, where));
    return { ...l, poLine: '' };
  });
  return { submission: { ...s, lines }, problems };
}

export async function receiveInvoic(ctx: UseCaseContext, actor: Actor, m: EdifactMessage, origin: { interchange: string; as2MessageId: string }): Promise<MessageResult> {
  const mapped = mapInvoic(m);
  if (!mapped.ok) return refusedWith(mapped.problems);
  const refers = { documentNumber: mapped.value.submission.number, purchaseOrder: mapped.value.submission.purchaseOrder };
  const { submission, problems } = await matchByGtin(ctx, actor, mapped.value);
  if (problems.length) return refusedWith(problems, refers);
  try {
    const invoice = await submitInvoice(ctx, actor, submission, {
      source: 'edifact',
      detail: { interchange: origin.interchange, message: m.reference, messageType: [m.type, m.version, m.release, m.agency, m.association].filter(Boolean).join(':'), as2MessageId: origin.as2MessageId },
    });
    return { status: 'accepted', records: [{ type: 'invoice', id: invoice.id }], problems: [], ...refers };
  } catch (e) {
    if (!isAppError(e) || e.code !== 'invalid_input' || !e.fields) throw e;
    const sources = mapped.value.sources;
    return refusedWith(
      Object.entries(e.fields).map(([field, text]) => {
        const at = sources[field] ?? sources[field.replace(/\/\w+$/, '/poLine')];
        return problem('field', { field, problem: text }, { segment: at?.segment ?? null, tag: at?.tag ?? null, ...(at?.element ? { element: at.element, component: at.component } : {}), messageReference: m.reference, field });
      }),
      refers,
    );
  }
}
