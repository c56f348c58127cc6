import { error, fail, json, type ActionFailure } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { translate, type Locale, type MessageKey } from '$shared/i18n/index.ts';
import type { Logger } from '$shared/log.ts';

/** A use case's AppError in the user's language; unexpected errors are logged, not shown. */
export function userMessage(e: unknown, locale: Locale, requestId: string, log: Logger): { status: number; message: string; fields?: Record<string, string> } {
  if (isAppError(e)) {
    const time = e.fields?.lockedUntil?.slice(11, 16) ?? '';
    const fields = e.code === 'account_locked' || e.code === 'too_many_attempts' ? undefined : e.fields;
    return { status: e.status, message: translate(locale, `error.${e.code}` as MessageKey, { time }), fields };
  }
  log.error('unexpected error', { err: e });
  return { status: 500, message: translate(locale, 'error.generic', { requestId }), };
}

export function formFailure(e: unknown, locals: App.Locals, values: Record<string, unknown> = {}): ActionFailure<{ message: string; fields?: Record<string, string>; values: Record<string, unknown> }> {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  return fail(m.status, { message: m.message, fields: m.fields, values });
}

export function jsonFailure(e: unknown, locals: App.Locals): Response {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  return json({ message: m.message, fields: m.fields }, { status: m.status });
}

/** For load functions: AppErrors become SvelteKit errors with their status. */
export function loadFailure(e: unknown, locals: App.Locals): never {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  error(m.status, { message: m.message, requestId: locals.requestId });
}
