// Server-side helper of the EDIFACT uploads (INVOIC on the invoices page, DESADV on the lots
// page): each problem the use case reports (syntax, envelope, mapping, or the submission's own
// validation) in the user's language, with where it is in the file (segment, tag, element,
// component).
import type { EdifactProblem } from '$shared/edifact/problems.ts';
import { translate, translateProblem, type Locale, type MessageKey } from '$shared/i18n/index.ts';
import { problemKey, type ProblemCode } from '$shared/errors.ts';
import { en } from '$shared/i18n/en.ts';

export interface UploadProblem {
  message: string | null;
  where: string;
  text: string;
  segment: number | null;
  tag: string | null;
}

/**
 * `mapperTexts`: the catalogue prefix of the page's own mapper codes (`lots.edifact.problem` for
 * DESADV), looked up before the EDIFACT texts every upload shares (`invoices.edifact.problem`).
 */
export function uploadProblem(locale: Locale, p: EdifactProblem, mapperTexts?: string): UploadProblem {
  const where: string[] = [];
  if (p.segment !== null) where.push(translate(locale, 'invoices.edifact.where.segment', { segment: p.segment, tag: p.tag ?? '?' }));
  if (p.element !== undefined) where.push(translate(locale, 'invoices.edifact.where.element', { element: p.element, component: p.component ?? 1 }));
  let text: string;
  if (p.field !== undefined && problemKey(p.code as ProblemCode) in en) {
    // A field problem of the invoice use case: its code (`invoices.priceDiffers`) and values.
    text = translate(locale, 'invoices.edifact.field', { field: p.field, problem: translateProblem(locale, { code: p.code as ProblemCode, params: p.params }) });
  } else {
    // Every code of the tokenizer, envelope, mapper and file use case has a key; any other keeps its English text.
    const keys = [...(mapperTexts ? [`${mapperTexts}.${p.code}`] : []), `invoices.edifact.problem.${p.code}`];
    const key = keys.find((k) => k in en);
    text = key ? translate(locale, key as MessageKey, p.params) : p.message;
  }
  return {
    message: p.messageReference ? translate(locale, 'invoices.edifact.message', { reference: p.messageReference }) : null,
    where: where.length ? where.join(', ') : translate(locale, 'invoices.edifact.where.file'),
    text,
    segment: p.segment,
    tag: p.tag,
  };
}
