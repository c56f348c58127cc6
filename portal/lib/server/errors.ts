import { error, fail, json, type ActionFailure } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { translate, translateProblem, type Locale, type MessageKey } from '$shared/i18n/index.ts';
import type { Logger } from '$shared/log.ts';

/**
 * A use case's AppError in the user's language; unexpected errors are logged, not shown.
 * Field problems that come as codes are worded from the catalogues under `problems`, by field,
 * and replace their English text in `fields` (issue 12 removes `fields` with the last English texts).
 */
export function userMessage(
  e: unknown,
  locale: Locale,
  requestId: string,
  log: Logger,
): { status: number; message: string; fields?: Record<string, string>; problems?: Record<string, string> } {
  if (isAppError(e)) {
    // A lock's time (HH:MM UTC) comes as data with its problem.
    const lock = Object.values(e.problems ?? {}).find((p) => p.code === 'auth.accountLocked' || p.code === 'auth.sourceBlocked');
    const time = lock?.params?.time ?? '';
    const problems = e.problems ? Object.fromEntries(Object.entries(e.problems).map(([name, p]) => [name, translateProblem(locale, p)])) : undefined;
    const fields = e.code === 'account_locked' || e.code === 'too_many_attempts' ? undefined : (e.fields || problems) && { ...e.fields, ...problems };
    return { status: e.status, message: translate(locale, `error.${e.code}` as MessageKey, { time }), fields, ...(problems && { problems }) };
  }
  log.error('unexpected error', { err: e });
  return { status: 500, message: translate(locale, 'error.generic', { requestId }) };
}

export function formFailure(
  e: unknown,
  locals: App.Locals,
  values: Record<string, unknown> = {},
): ActionFailure<{ message: string; fields?: Record<string, string>; problems?: Record<string, string>; values: Record<string, unknown> }> {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  return fail(m.status, { message: m.message, fields: m.fields, problems: m.problems, values });
}

/** A refusal as JSON for the pages' scripts: the message in the user's language and the field problems as data. */
export function jsonFailure(e: unknown, locals: App.Locals): Response {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  return json({ message: m.message, problems: isAppError(e) ? (e.problems ?? {}) : {} }, { status: m.status });
}

/** For load functions: AppErrors become SvelteKit errors with their status. */
export function loadFailure(e: unknown, locals: App.Locals): never {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  error(m.status, { message: m.message, requestId: locals.requestId });
}
