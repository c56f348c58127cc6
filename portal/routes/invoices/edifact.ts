// Server-side helper of the EDIFACT INVOIC upload: each problem the use case reports (syntax,
// envelope, mapping, or the submission's own validation) in the user's language, with where
// it is in the file (segment, tag, element, component).
import type { EdifactProblem } from '$shared/edifact/problems.ts';
import { readInvoiceProblem } from '$shared/invoices/invoice.ts';
import { translate, type Locale, type MessageKey } from '$shared/i18n/index.ts';
import { en } from '$shared/i18n/en.ts';

export interface UploadProblem {
  message: string | null;
  where: string;
  text: string;
  segment: number | null;
  tag: string | null;
}

export function uploadProblem(locale: Locale, p: EdifactProblem): UploadProblem {
  const where: string[] = [];
  if (p.segment !== null) where.push(translate(locale, 'invoices.edifact.where.segment', { segment: p.segment, tag: p.tag ?? '?' }));
  if (p.element !== undefined) where.push(translate(locale, 'invoices.edifact.where.element', { element: p.element, component: p.component ?? 1 }));
  let text: string;
  if (p.code === 'field') {
    const inner = readInvoiceProblem(String(p.params.problem ?? ''));
    const problem = inner ? translate(locale, `invoices.problem.${inner.code}` as MessageKey, inner.params) : String(p.params.problem ?? '');
    text = translate(locale, 'invoices.edifact.field', { field: String(p.params.field ?? ''), problem });
  } else {
    // Every code of the tokenizer, envelope, mapper and file use case has a key; any other keeps its English text.
    const key = `invoices.edifact.problem.${p.code}`;
    text = key in en ? translate(locale, key as MessageKey, p.params) : p.message;
  }
  return {
    message: p.messageReference ? translate(locale, 'invoices.edifact.message', { reference: p.messageReference }) : null,
    where: where.length ? where.join(', ') : translate(locale, 'invoices.edifact.where.file'),
    text,
    segment: p.segment,
    tag: p.tag,
  };
}
