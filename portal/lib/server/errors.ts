import { error, json } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { translate, translateProblem, type Locale, type MessageKey } from '$shared/i18n/index.ts';
import type { Logger } from '$shared/log.ts';

/**
 * A use case's AppError as the page's one message in the user's language (its field problems
 * are data: `problemFailure` hands them to the page); unexpected errors are logged, not shown.
 */
export function userMessage(e: unknown, locale: Locale, requestId: string, log: Logger): { status: number; message: string } {
  if (isAppError(e)) {
    // A lock's time (HH:MM UTC) comes as data with its problem.
    const lock = Object.values(e.problems ?? {}).find((p) => p.code === 'auth.accountLocked' || p.code === 'auth.sourceBlocked');
    return { status: e.status, message: translate(locale, `error.${e.code}` as MessageKey, { time: lock?.params?.time ?? '' }) };
  }
  log.error('unexpected error', { err: e });
  return { status: 500, message: translate(locale, 'error.generic', { requestId }) };
}

/** A refusal as JSON for the pages' scripts: the message in the user's language and the field problems as data. */
export function jsonFailure(e: unknown, locals: App.Locals): Response {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  return json({ message: m.message, problems: isAppError(e) ? (e.problems ?? {}) : {} }, { status: m.status });
}

/** For load functions: AppErrors become SvelteKit errors with their status. */
export function loadFailure(e: unknown, locals: App.Locals): never {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  // A refusal with one problem (an expired notice link) says that problem, not its code's generic line.
  const only = isAppError(e) ? Object.values(e.problems ?? {}) : [];
  error(m.status, { message: only.length === 1 ? translateProblem(locals.locale, only[0]!) : m.message, requestId: locals.requestId });
}
