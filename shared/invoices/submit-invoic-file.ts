// A supplier uploads an EDIFACT INVOIC interchange: bytes → tokenize → envelopes → each INVOIC
// through submit-invoic-message.ts (the per-message path the AS2 door shares) → submitInvoice,
// the one use case every way in calls, so an uploaded invoice gets the same
// validation and becomes the same record as one typed into the form (its audit entry says it
// came from EDIFACT). Each INVOIC message of the interchange is one invoice. Problems are
// reported with the segment position (in the interchange for syntax and envelope problems, in
// the message, UNH = 1, for the rest) and the tag; the use case's field refusals are reported
// against the segment the field was read from.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { submitInvoices } from './invoice-permissions.ts';
import { AppError } from '../errors.ts';
import { tokenize } from '../edifact/tokenize.ts';
import type { TokenizeMode } from '../edifact/interchange.ts';
import { isEdifactError, describeProblem, type EdifactProblem } from '../edifact/problems.ts';
import { fill } from '../fill.ts';
import { readEnvelope } from '../edifact/envelope.ts';
import { invoicMessageProblemTexts, submitInvoicMessage } from './submit-invoic-message.ts';
import type { Invoice } from './invoice.ts';

export const invoicFileProblemTexts = {
  tooLarge: 'the file is larger than {max} bytes',
  noInvoic: 'the interchange holds no INVOIC message',
  ...invoicMessageProblemTexts,
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
  /** The file's syntax problems, as its CONTRL would list them. */
  readonly ediProblems: EdifactProblem[];
  constructor(problems: EdifactProblem[]) {
    super('invalid_input', `the EDIFACT file was refused: ${problems.map(describeProblem).join('; ')}`);
    this.ediProblems = problems;
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
  submitInvoices.require(actor);
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
    const { messageReference, invoice, problems } = await submitInvoicMessage(ctx, actor, message, { interchange: envelope.reference, fileName: file.name });
    outcomes.push(invoice ? { messageReference, invoice, problems } : { messageReference, problems });
  }
  return { interchangeReference: envelope.reference, outcomes };
}
