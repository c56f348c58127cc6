import { fail, type ActionFailure } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { translate, type MessageKey } from '$shared/i18n/index.ts';
import { en } from '$shared/i18n/en.ts';
import { problemsOf, type Problem } from '$shared/users/problems.ts';
import { userMessage } from '$lib/server/errors.ts';

export type ProblemFailure = ActionFailure<{ action: string; message: string; problems: Record<string, Problem>; values: Record<string, string> }>;

/**
 * A refused form as data: each field's `{ code, params }` (the page words it from the
 * catalogue next to the field, as `problem.<code>`), one message above the form, the typed
 * values kept (never a password or a code).
 */
export function problemFailure(e: unknown, locals: App.Locals, action: string, values: Record<string, string> = {}): ProblemFailure {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  // Only problems the catalogue words (an older use case's English field text is not a code).
  const problems = Object.fromEntries(Object.entries(isAppError(e) ? problemsOf(e) : {}).filter(([, p]) => `problem.${p.code}` in en));
  const only = Object.values(problems);
  // A single problem says more than "correct the highlighted fields" (or "your role does not allow this").
  const message = only.length === 1 ? translate(locals.locale, `problem.${only[0]!.code}` as MessageKey, only[0]!.params) : m.message;
  return fail(m.status, { action, message, problems, values });
}
