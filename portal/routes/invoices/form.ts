// Server-side helpers of the invoice pages: reading the submission form, and the use case's
// refusal as a form failure, each problem (as data) under the form field it belongs to.
import { fail } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import type { InvoiceSubmission } from '$shared/invoices/submit-invoice.ts';
import { translate } from '$shared/i18n/index.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { field as text } from '$lib/server/form-fields.ts';

const headerNames = ['number', 'invoiceDate', 'dueDate', 'currency', 'paymentTerms', 'purchaseOrder', 'netTotal', 'taxTotal', 'grossTotal'] as const;
const lineNames = ['poLine', 'gtin', 'description', 'quantity', 'unitPrice', 'taxRate', 'lineNet'] as const;

/**
 * The form as the use case takes it. Rows of the form are the order's lines; a row whose
 * quantity is left empty is not invoiced. `rows` maps each submitted line back to its form
 * row, so a problem of `lines/0/…` is shown on the row it came from.
 */
export function readInvoiceForm(form: FormData): { submission: InvoiceSubmission; values: Record<string, string>; rows: number[] } {
  const values: Record<string, string> = { action: 'submit' };
  for (const name of headerNames) values[name] = text(form, name);
  const count = Math.min(Number(text(form, 'lineCount')) || 0, 500);
  values.lineCount = String(count);
  const lines: InvoiceSubmission['lines'] = [];
  const rows: number[] = [];
  for (let row = 0; row < count; row++) {
    const line = Object.fromEntries(lineNames.map((n) => [n, text(form, `lines.${row}.${n}`)])) as Record<(typeof lineNames)[number], string>;
    for (const n of lineNames) values[`lines.${row}.${n}`] = line[n];
    if (!line.quantity.trim()) continue;
    lines.push(line);
    rows.push(row);
  }
  return {
    submission: {
      number: values.number!,
      invoiceDate: values.invoiceDate!,
      dueDate: values.dueDate!,
      currency: values.currency!,
      paymentTerms: values.paymentTerms,
      purchaseOrder: values.purchaseOrder!,
      lines,
      netTotal: values.netTotal!,
      taxTotal: values.taxTotal!,
      grossTotal: values.grossTotal!,
    },
    values,
    rows,
  };
}

/** A refused submission: every problem keyed by its form field (the submission's `lines/0/…` is the form's row it came from), the typed values kept. */
export function invoiceFailure(e: unknown, locals: App.Locals, values: Record<string, string>, rows: number[]) {
  const { status, data } = problemFailure(e, locals, 'submit', values, (path) => {
    const [head, index, name] = path.split('/');
    return head === 'lines' && name ? `lines/${rows[Number(index)] ?? index}/${name}` : path;
  });
  const message = isAppError(e) && e.code === 'invalid_input' ? translate(locals.locale, 'invoices.notSubmitted', { count: Object.keys(data.problems).length }) : data.message;
  return fail(status, { ...data, message });
}
