import { page } from '$app/state';
import { translate, translateProblem, type MessageKey, type Params } from '$shared/i18n/index.ts';
import type { Problem } from '$shared/errors.ts';

/** Translates in the language of the current page (set by the root layout's data). */
export function t(key: MessageKey, params?: Params): string {
  return translate(page.data.locale ?? 'en', key, params);
}

/** A problem `{ code, params }` worded in the language of the current page (where no `<Problem>` paragraph fits, e.g. in a list). */
export function tp(problem: Problem): string {
  return translateProblem(page.data.locale ?? 'en', problem);
}
