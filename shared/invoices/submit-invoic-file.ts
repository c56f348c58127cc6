// A supplier uploads an EDIFACT INVOIC interchange: bytes → tokenize → envelopes → map →
// submitInvoice, the one use case every way in calls, so an uploaded invoice gets the same
// validation and becomes the same record as one typed into the form (its audit entry says it
// came from EDIFACT). Each INVOIC message of the interchange is one invoice. Problems are
// reported with the segment position (in the interchange for syntax and envelope problems, in
// the message, UNH = 1, for the rest) and the tag; the use case's field refusals are reported
// against the segment the field was read from.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { requireRole } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import { AppError, isAppError } from '../errors.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { tokenize, isEdifactError, describeProblem, fill, type EdifactProblem, type TokenizeMode } from '../edifact/tokenize.ts';
import { readEnvelope } from '../edifact/envelope.ts';
import { mapInvoic, type MappedInvoic } from './map-invoic.ts';
import { submitInvoice, type InvoiceSubmission } from './submit-invoice.ts';
import type { Invoice } from './invoice.ts';

export const invoicFileProblemTexts = {
  tooLarge: 'the file is larger than {max} bytes',
  noInvoic: 'the interchange holds no INVOIC message',
  gtinNotOnOrder: 'GTIN {gtin} is not on purchase order {po}',
  gtinAmbiguous: 'GTIN {gtin} is on lines {lines} of purchase order {po}: reference the order line with RFF+LI',
  field: '{field} {problem}',
} as const;

export const maxInvoicFileBytes = 2 * 1024 * 1024;

export interface InvoicMessageOutcome {
  messageReference: string;
  invoice?: Invoice;
  problems: EdifactProblem[];
}

export interface InvoicFileResult {
  interchangeReference: string;
  outcomes: InvoicMessageOutcome[];
}

/** Thrown when nothing of the file could be read as invoices (syntax, envelope, or no INVOIC). */
export class InvoicFileError extends AppError {
  readonly problems: EdifactProblem[];
  constructor(problems: EdifactProblem[]) {
    super('invalid_input', `the EDIFACT file was refused: ${problems.map(describeProblem).join('; ')}`);
    this.problems = problems;
  }
}

const fileProblem = (code: keyof typeof invoicFileProblemTexts, params: Record<string, string | number>, at: Partial<EdifactProblem> = {}): EdifactProblem => ({
  code,
  message: fill(invoicFileProblemTexts[code], params),
  params,
  segment: null,
  tag: null,
  ...at,
});

/** Fills the order lines left open by the message (no RFF+LI) by GTIN within the caller's order. */
async function matchByGtin(ctx: UseCaseContext, actor: Actor, mapped: MappedInvoic): Promise<{ submission: InvoiceSubmission; problems: EdifactProblem[] }> {
  const s = mapped.submission;
  const problems: EdifactProblem[] = [];
  const scope = ownedBy(actor, 'supplier_organisation_id');
  const po = await ctx.db.get<{ id: string }>(`SELECT id FROM purchase_orders WHERE po_number = ? AND ${scope.sql}`, [s.purchaseOrder, ...scope.args]);
  const poLines = po ? await ctx.db.all<{ line_number: number; gtin: string }>('SELECT line_number, gtin FROM purchase_order_lines WHERE purchase_order_id = ? ORDER BY line_number', [po.id]) : [];
  const lines = s.lines.map((l, i) => {
    if (l.poLine !== null) return { ...l, poLine: l.poLine };
    // An unknown order is the use case's to report (as "not one of your purchase orders"); the
    // placeholder keeps the line from adding a second, misleading "line required" problem.
    if (!po) return { ...l, poLine: 0 };
    const gtin14 = isValidGtin(l.gtin) ? toGtin14(l.gtin) : l.gtin;
    const found = poLines.filter((p) => p.gtin === gtin14);
    const at = mapped.sources[`lines/${i}/gtin`] ?? mapped.sources[`lines/${i}/poLine`];
    const where = { segment: at?.segment ?? null, tag: at?.tag ?? null, element: at?.element, component: at?.component, messageReference: mapped.messageReference };
    if (found.length === 1) return { ...l, poLine: found[0]!.line_number };
    if (found.length === 0) problems.push(fileProblem('gtinNotOnOrder', { gtin: l.gtin, po: s.purchaseOrder }, where));
    else problems.push(fileProblem('gtinAmbiguous', { gtin: l.gtin, po: s.purchaseOrder, lines: found.map((p) => p.line_number).join(', ') }, where));
    return { ...l, poLine: '' };
  });
  return { submission: { ...s, lines: lines.map(({ order: _order, ...l }) => l) }, problems };
}

/**
 * Reads an uploaded INVOIC interchange and submits each of its INVOIC messages as the caller's
 * invoice. Throws InvoicFileError when the file cannot be read at all; otherwise returns, per
 * message, the stored invoice or every problem with its segment position.
 */
export async function submitInvoicFile(
  ctx: UseCaseContext,
  actor: Actor,
  file: { bytes: Uint8Array; name?: string },
  options: { mode?: TokenizeMode } = {},
): Promise<InvoicFileResult> {
  requireRole(actor, 'supplier_user');
  if (file.bytes.length > maxInvoicFileBytes) throw new InvoicFileError([fileProblem('tooLarge', { max: maxInvoicFileBytes })]);
  let envelope;
  try {
    envelope = readEnvelope(tokenize(file.bytes, { mode: options.mode ?? 'strict' }));
  } catch (e) {
    if (isEdifactError(e)) throw new InvoicFileError(e.problems);
    throw e;
  }
  const invoics = envelope.messages.filter((m) => m.type === 'INVOIC');
  if (invoics.length === 0) {
    const first = envelope.messages[0];
    throw new InvoicFileError([fileProblem('noInvoic', {}, first ? { segment: first.segments[0]!.position, tag: 'UNH', element: 2, component: 1 } : {})]);
  }
  const outcomes: InvoicMessageOutcome[] = [];
  for (const message of invoics) {
    const mapped = mapInvoic(message);
    if (!mapped.ok) {
      outcomes.push({ messageReference: message.reference, problems: mapped.problems });
      continue;
    }
    const { submission, problems } = await matchByGtin(ctx, actor, mapped.value);
    if (problems.length) {
      outcomes.push({ messageReference: message.reference, problems });
      continue;
    }
    try {
      const invoice = await submitInvoice(ctx, actor, submission, {
        source: 'edifact',
        detail: { interchange: envelope.reference, message: message.reference, messageType: `${message.type}:${message.version}:${message.release}:${message.agency}${message.association ? `:${message.association}` : ''}`, ...(file.name ? { file: file.name.slice(0, 200) } : {}) },
      });
      outcomes.push({ messageReference: message.reference, invoice, problems: [] });
    } catch (e) {
      if (!isAppError(e) || e.code !== 'invalid_input' || !e.fields) throw e;
      outcomes.push({
        messageReference: message.reference,
        problems: Object.entries(e.fields).map(([field, problem]) => {
          const at = mapped.value.sources[field] ?? mapped.value.sources[field.replace(/\/\w+$/, '/poLine')];
          return { ...fileProblem('field', { field, problem }, { segment: at?.segment ?? null, tag: at?.tag ?? null, messageReference: message.reference }), ...(at?.element ? { element: at.element, component: at.component } : {}), field };
        }),
      });
    }
  }
  return { interchangeReference: envelope.reference, outcomes };
}
