// Server-side helpers of the certificate pages: reading the upload form, and translating a
// use case's refusal (its field texts are stable, see certificateProblems and uploadProblems)
// into the user's language.
import { fail, type ActionFailure } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { certificateProblems } from '$shared/certificates/certificate.ts';
import type { CertificateSubmission } from '$shared/certificates/submit-certificate.ts';
import { uploadProblems } from '$shared/files/store-upload.ts';
import { translate, type MessageKey } from '$shared/i18n/index.ts';
import { userMessage } from '$lib/server/errors.ts';

const problems: [string, string][] = [...Object.entries(certificateProblems), ...Object.entries(uploadProblems)];

/** One field's problem in the user's language; `{detail}` carries the values at fault (e.g. the bad GTINs). */
function fieldMessage(locals: App.Locals, text: string): string {
  for (const [code, base] of problems) {
    if (text === base || text.startsWith(`${base}: `)) {
      const limit = Math.round(locals.app.config.uploads.maxBytes / (1024 * 1024));
      return translate(locals.locale, `certificates.problem.${code}` as MessageKey, { detail: text.slice(base.length + 2), limit });
    }
  }
  return text;
}

export type CertificateFailure = ActionFailure<{ message: string; fields: Record<string, string>; values: Record<string, string> }>;

/** A refused action: the message and each field's problem translated, the typed values kept (never the file or a password). */
export function certificateFailure(e: unknown, locals: App.Locals, values: Record<string, string>): CertificateFailure {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  const fields: Record<string, string> = {};
  for (const [name, text] of Object.entries(m.fields ?? {})) fields[name] = fieldMessage(locals, text);
  let message = m.message;
  if (isAppError(e) && e.code === 'invalid_credentials') message = translate(locals.locale, 'certificates.sign.wrongPassword');
  else if (isAppError(e) && e.code === 'invalid_input' && fields.file && Object.keys(fields).length === 1) message = fields.file;
  else if (isAppError(e) && e.code === 'invalid_input' && values.action === 'submit') message = translate(locals.locale, 'certificates.notSubmitted');
  return fail(m.status, { message, fields, values });
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

/** A list typed one per line or separated by commas or semicolons. */
const list = (value: string) =>
  value
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

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
