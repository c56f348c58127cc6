import { page } from '$app/state';
import { translate, type MessageKey } from '$shared/i18n/index.ts';

/** Translates in the language of the current page (set by the root layout's data). */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(page.data.locale ?? 'en', key, params);
}
