// One INVOIC message → the caller's invoice through submitInvoice, the use case every way in
// calls (its audit entry says it came from EDIFACT). The one per-message path of both ways an
// INVOIC comes in: an upload (submit-invoic-file.ts) and an AS2 interchange
// (receive-invoic.ts). Order lines the message leaves open (no RFF+LI) are
// found by GTIN on the order; the use case's field refusals are reported against the segment
// the field was read from (positions in the message, UNH = 1).
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import { isAppError, type Problems } from '../errors.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import type { EdifactProblem } from '../edifact/problems.ts';
import { fill } from '../fill.ts';
import { fieldProblem } from '../edi/inbound/field-problem.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { mapInvoic, type MappedInvoic } from './map-invoic.ts';
import { invoiceSubmissionProblems, submitInvoice, type InvoiceSubmission } from './submit-invoice.ts';
import type { Invoice } from './invoice.ts';

export const invoicMessageProblemTexts = {
  gtinNotOnOrder: 'GTIN {gtin} is not on purchase order {po}',
  gtinAmbiguous: 'GTIN {gtin} is on lines {lines} of purchase order {po}: reference the order line with RFF+LI',
} as const;

export interface InvoicMessageSubmission {
  messageReference: string;
  invoice?: Invoice;
  problems: EdifactProblem[];
  /** The message's invoice number (BGM 1004) and order, once mapped: what an APERAK refers back to. */
  documentNumber?: string;
  purchaseOrder?: string;
}

/** Where the invoice came from, for its audit entry. */
export interface InvoicOrigin {
  /** The interchange control reference (UNB 0020). */
  interchange: string;
  fileName?: string;
  as2MessageId?: string;
}

type Where = Partial<Pick<EdifactProblem, 'segment' | 'tag' | 'element' | 'component' | 'messageReference' | 'field'>>;

function ediProblem(code: keyof typeof invoicMessageProblemTexts, params: Record<string, string>, at: Where): EdifactProblem {
  return { code, message: fill(invoicMessageProblemTexts[code], params), params, segment: null, tag: null, ...at };
}

/** Fills the order lines left open by the message (no RFF+LI) by GTIN within the caller's order. */
async function matchByGtin(ctx: UseCaseContext, actor: Actor, mapped: MappedInvoic): Promise<{ submission: InvoiceSubmission; problems: EdifactProblem[] }> {
  const s = mapped.submission;
  const problems: EdifactProblem[] = [];
  const scope = ownedBy(actor, 'supplier_organisation_id');
  const po = await ctx.db.get<{ id: string }>(`SELECT id FROM purchase_orders WHERE po_number = ? AND ${scope.sql}`, [s.purchaseOrder, ...scope.args]);
  const poLines = po ? await ctx.db.all<{ line_number: number; gtin: string }>('SELECT line_number, gtin FROM purchase_order_lines WHERE purchase_order_id = ? ORDER BY line_number', [po.id]) : [];
  const lines = s.lines.map(({ order: _order, ...l }, i) => {
    if (l.poLine !== null) return { ...l, poLine: l.poLine };
    // An unknown order is the use case's to report (as "not one of your purchase orders"); the
    // placeholder keeps the line from adding a second, misleading "line required" problem.
    if (!po) return { ...l, poLine: 0 };
    const gtin14 = isValidGtin(l.gtin) ? toGtin14(l.gtin) : l.gtin;
    const found = poLines.filter((p) => p.gtin === gtin14);
    if (found.length === 1) return { ...l, poLine: found[0]!.line_number };
    const at = mapped.sources[`lines/${i}/gtin`] ?? mapped.sources[`lines/${i}/poLine`];
    const where = { segment: at?.segment ?? null, tag: at?.tag ?? null, element: at?.element, component: at?.component, messageReference: mapped.messageReference };
    if (found.length === 0) problems.push(ediProblem('gtinNotOnOrder', { gtin: l.gtin, po: s.purchaseOrder }, where));
    else problems.push(ediProblem('gtinAmbiguous', { gtin: l.gtin, po: s.purchaseOrder, lines: found.map((p) => p.line_number).join(', ') }, where));
    return { ...l, poLine: '' };
  });
  return { submission: { ...s, lines }, problems };
}

/** Maps one INVOIC and submits it as the caller's invoice; returns the invoice or every problem. */
export async function submitInvoicMessage(ctx: UseCaseContext, actor: Actor, m: EdifactMessage, origin: InvoicOrigin): Promise<InvoicMessageSubmission> {
  const messageReference = m.reference;
  const mapped = mapInvoic(m);
  if (!mapped.ok) {
    if (!mapped.partial) return { messageReference, problems: mapped.problems };
    // Name every problem at once: what the mapping found, and what the invoice checks find in
    // the rest (totals that do not add up), leaving out fields the mapping already said are missing.
    const partial = mapped.partial;
    const refers = { documentNumber: partial.submission.number, purchaseOrder: partial.submission.purchaseOrder };
    const { submission } = await matchByGtin(ctx, actor, partial);
    const fields = await invoiceSubmissionProblems(ctx, actor, submission);
    const named = new Set(mapped.problems.map((p) => `${p.segment}/${p.tag}/${p.element ?? ''}`));
    const more = fieldProblems(fields, partial.sources, messageReference).filter((p) => {
      const top = p.field!.split('/')[0]! as keyof InvoiceSubmission;
      const given = submission[top];
      return given !== '' && given !== undefined && !named.has(`${p.segment}/${p.tag}/${p.element ?? ''}`);
    });
    return { messageReference, problems: [...mapped.problems, ...more], ...refers };
  }
  const refers = { documentNumber: mapped.value.submission.number, purchaseOrder: mapped.value.submission.purchaseOrder };
  const { submission, problems } = await matchByGtin(ctx, actor, mapped.value);
  if (problems.length) return { messageReference, problems, ...refers };
  try {
    const invoice = await submitInvoice(ctx, actor, submission, {
      source: 'edifact',
      detail: {
        interchange: origin.interchange,
        message: m.reference,
        messageType: [m.type, m.version, m.release, m.agency, m.association].filter(Boolean).join(':'),
        ...(origin.fileName ? { file: origin.fileName.slice(0, 200) } : {}),
        ...(origin.as2MessageId ? { as2MessageId: origin.as2MessageId } : {}),
      },
    });
    return { messageReference, invoice, problems: [], ...refers };
  } catch (e) {
    if (!isAppError(e) || e.code !== 'invalid_input' || !e.problems) throw e;
    return { messageReference, problems: fieldProblems(e.problems, mapped.value.sources, messageReference), ...refers };
  }
}

/** The invoice use case's field problems, each against the segment its field was read from. */
function fieldProblems(problems: Problems, sources: MappedInvoic['sources'], messageReference: string): EdifactProblem[] {
  return Object.entries(problems).map(([field, p]) => fieldProblem(field, p, sources[field] ?? sources[field.replace(/\/\w+$/, '/poLine')], messageReference));
}
