import { isAppError } from '$shared/errors.ts';
import { translate } from '$shared/i18n/index.ts';
import { problemFailure } from '$lib/server/problems.ts';

/**
 * A refused partner form: the pages list every problem by path under the message, so the
 * message stays "correct the highlighted fields" even for a single problem (not said twice).
 */
export function partnerFailure<V>(e: unknown, locals: App.Locals, action: string, values?: V) {
  const failure = problemFailure(e, locals, action, values);
  if (isAppError(e) && e.code === 'invalid_input') failure.data.message = translate(locals.locale, 'error.invalid_input');
  return failure;
}
