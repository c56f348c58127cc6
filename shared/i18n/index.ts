import { problemKey, type Problem } from '../errors.ts';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';
import { de } from './de.ts';
import { fill } from '../fill.ts';

export type { MessageKey };
export const locales = ['en', 'zh-CN', 'de'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

// German is completed at merge (until then a missing text falls back to English).
const catalogues: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN, de };

export function isLocale(value: unknown): value is Locale {
  return locales.includes(value as Locale);
}

/** The message for `key` in `locale` with `{name}` placeholders filled (a `Term` parameter worded in `locale` too). */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  return fill(catalogues[locale][key] ?? en[key], wordTerms(locale, params));
}

/** Values for a message's placeholders; `{ term }` (made by `term()` in shared/errors.ts, so a catalogue key) is worded too. */
export type Params = Record<string, string | number | { term: string }>;

/** The parameters with each term worded in `locale`. */
export function wordTerms(locale: Locale, params: Params): Record<string, string | number> {
  return Object.fromEntries(Object.entries(params).map(([name, v]) => [name, typeof v === 'object' ? translate(locale, v.term as MessageKey) : v]));
}

/** A problem `{ code, params }` worded in `locale` from its catalogue key `<capability>.problem.<code>`. */
export function translateProblem(locale: Locale, problem: Problem): string {
  return translate(locale, problemKey(problem.code), problem.params);
}

/** The saved choice if any, else the first supported language the browser asks for. */
export function negotiateLocale(saved: string | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(saved)) return saved;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((w) => w.tag && w.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    // Simplified Chinese is what mainland users ask for (zh, zh-CN, zh-Hans, zh-SG).
    if (tag === 'zh' || tag === 'zh-cn' || tag === 'zh-sg' || tag.startsWith('zh-hans')) return 'zh-CN';
    if (tag === 'de' || tag.startsWith('de-')) return 'de';
  }
  return defaultLocale;
}
