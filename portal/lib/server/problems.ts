import { fail, type ActionFailure } from '@sveltejs/kit';
import { isAppError, type Problems } from '$shared/errors.ts';
import { translateProblem } from '$shared/i18n/index.ts';
import { userMessage } from '$lib/server/errors.ts';

export type ProblemFailure<V = Record<string, string>> = ActionFailure<{ action: string; message: string; problems: Problems; values: V }>;

/**
 * A refused form as data: each field's `{ code, params }` (the page words it next to the field
 * with `<Field>` or `<Problem>`), one message above the form, the typed values kept (never a
 * password or a code). `rename` maps a use case's field path to the form's field name.
 */
export function problemFailure<V = Record<string, string>>(
  e: unknown,
  locals: App.Locals,
  action: string,
  values: V = {} as V,
  rename: (field: string) => string = (f) => f,
): ProblemFailure<V> {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  const problems: Problems = {};
  // The first problem of a field is the one shown (a row's general problem does not hide its GTIN's).
  for (const [field, p] of Object.entries(isAppError(e) ? (e.problems ?? {}) : {})) problems[rename(field)] ??= p;
  const only = Object.values(problems);
  // A single problem says more than "correct the highlighted fields" (or "your role does not allow this").
  const message = only.length === 1 ? translateProblem(locals.locale, only[0]!) : m.message;
  return fail(m.status, { action, message, problems, values });
}
