// Server-side helpers of the SCAR pages: a refused signed form as data (a wrong password worded as such).
import { fail } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { translate } from '$shared/i18n/index.ts';
import { problemFailure } from '$lib/server/problems.ts';

/** A refused SCAR form: its problems as data under the form's field names (`a/b` → `a.b`), the typed values kept. */
export function scarFailure<V>(e: unknown, locals: App.Locals, action: string, values: V, rename: (field: string) => string = (f) => f.replace(/\//g, '.')) {
  const { status, data } = problemFailure(e, locals, action, values, rename);
  const message = isAppError(e) && e.code === 'invalid_credentials' ? translate(locals.locale, 'scar.sign.wrongPassword') : data.message;
  return fail(status, { ...data, message });
}
