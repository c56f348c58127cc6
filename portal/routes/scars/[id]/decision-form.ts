// QA's signed SCAR forms as the page submits them: read once for the page's actions and for the
// first half of signing them with a passkey (/scars/<id>/sign?action=…), so both hash the same decision.
import { field } from '$lib/server/form-fields.ts';
import type { ScarSignatureInput } from '$shared/scars/start-scar-signature.ts';

export type ScarDecisionAction = ScarSignatureInput['action'];
export const scarDecisionActions: readonly ScarDecisionAction[] = ['decide', 'verify', 'close', 'cancel'];

/** The decision as entered (`input`, for the use case) and the typed values to keep on a refused form. */
export function readScarDecision(action: ScarDecisionAction, scarId: string, form: FormData): { input: ScarSignatureInput; values: Record<string, string> } {
  switch (action) {
    case 'decide': {
      const values = { step: field(form, 'step'), decision: field(form, 'decision'), comment: field(form, 'comment'), dueDate: field(form, 'dueDate') };
      // submittedAt: the answer QA read (refused when the step was answered again since).
      return { input: { action, scarId, ...values, dueDate: values.dueDate || undefined, submittedAt: field(form, 'submittedAt') }, values };
    }
    case 'verify': {
      const values = { result: field(form, 'result'), note: field(form, 'note'), dueDate: field(form, 'dueDate') };
      return { input: { action, scarId, ...values, dueDate: values.dueDate || undefined }, values };
    }
    case 'close': {
      const values = { comment: field(form, 'comment') };
      return { input: { action, scarId, comment: values.comment || undefined }, values };
    }
    case 'cancel': {
      const values = { reason: field(form, 'reason') };
      return { input: { action, scarId, reason: values.reason }, values };
    }
  }
}
