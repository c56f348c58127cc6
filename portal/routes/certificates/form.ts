// Server-side helpers of the certificate pages: reading the upload form, and a use case's
// refusal as a form failure (its field problems as data, worded by the page).
import { fail } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import type { CertificateSubmission } from '$shared/certificates/submit-certificate.ts';
import { translate } from '$shared/i18n/index.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { field as text, list } from '$lib/server/form-fields.ts';

/** A refused action: the field problems as data, one message above the form, the typed values kept (never the file or a password). */
export function certificateFailure(e: unknown, locals: App.Locals, values: Record<string, string>) {
  const { status, data } = problemFailure(e, locals, values.action ?? '', values);
  const only = Object.keys(data.problems);
  let message = data.message;
  if (isAppError(e) && e.code === 'invalid_credentials') message = translate(locals.locale, 'certificates.sign.wrongPassword');
  else if (isAppError(e) && e.code === 'invalid_input' && values.action === 'submit' && !(only.length === 1 && only[0] === 'file')) message = translate(locals.locale, 'certificates.notSubmitted');
  return fail(status, { ...data, message });
}

/** The upload form as the use case takes it, and the typed values to show again after a refusal. */
export async function readSubmission(form: FormData): Promise<{ submission: CertificateSubmission; values: Record<string, string> }> {
  const values = {
    action: 'submit',
    type: text(form, 'type'),
    number: text(form, 'number'),
    issuer: text(form, 'issuer'),
    scope: text(form, 'scope'),
    gtins: text(form, 'gtins'),
    lots: text(form, 'lots'),
    validFrom: text(form, 'validFrom'),
    validTo: text(form, 'validTo'),
    replacesSeriesId: text(form, 'replacesSeriesId'),
  };
  const file = form.get('file');
  const upload = file instanceof File && (file.size > 0 || file.name) ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null;
  return {
    submission: {
      type: values.type,
      number: values.number,
      issuer: values.issuer,
      scope: values.scope,
      gtins: list(values.gtins),
      lots: list(values.lots),
      validFrom: values.validFrom,
      validTo: values.validTo,
      file: upload,
      replacesSeriesId: values.replacesSeriesId || undefined,
    },
    values,
  };
}
