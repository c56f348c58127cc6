// Server-side helpers of the approved supplier list pages: the signed form as the use case takes it.
import { fail } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { translate } from '$shared/i18n/index.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { field, fields } from '$lib/server/form-fields.ts';

/** The decision the form carries (status, required certificates, reason, the new entry's id when signed with a passkey) and the typed values to show again. */
export function readDecision(form: FormData) {
  const values = {
    supplierId: field(form, 'supplierId'),
    itemGtin: field(form, 'itemGtin'),
    itemCategory: field(form, 'itemCategory'),
    status: field(form, 'status'),
    requiredCertificates: fields(form, 'requiredCertificates').join(','),
    reason: field(form, 'reason'),
  };
  return {
    values,
    decision: {
      status: values.status,
      requiredCertificates: fields(form, 'requiredCertificates'),
      reason: values.reason,
      newApprovalId: field(form, 'newApprovalId') || undefined,
    },
  };
}

/** A refused decision: its problems as data; a wrong password worded as such. */
export function decisionFailure(e: unknown, locals: App.Locals, action: string, values: Record<string, string>) {
  const { status, data } = problemFailure(e, locals, action, values);
  const message = isAppError(e) && e.code === 'invalid_credentials' ? translate(locals.locale, 'certificates.sign.wrongPassword') : data.message;
  return fail(status, { ...data, message });
}
