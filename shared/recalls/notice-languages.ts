import { defaultLocale, isLocale, type Locale } from '../i18n/index.ts';
import { problem, type Problems } from '../errors.ts';

/**
 * A recall's reason, hazard and further instructions in one notice language, as QA (or the ERP)
 * entered them beside the main texts. They sit in the recall's payload (`translations`), so the
 * record hash and QA's signature cover them like every other text of the recall.
 */
export interface RecallTexts {
  reason?: string;
  hazard?: string;
  instructionText?: string;
}

export type RecallTranslations = Partial<Record<Locale, RecallTexts>>;

/** The longest text of each kind, as for the main texts. */
export const recallTextLimits: Record<keyof RecallTexts, number> = { reason: 500, hazard: 500, instructionText: 2000 };

const textKinds = Object.keys(recallTextLimits) as (keyof RecallTexts)[];

/** The translations of a stored payload: known languages and non-empty texts only (a recall without any has none). */
export function readTranslations(payload: { translations?: unknown }): RecallTranslations {
  const given = payload.translations;
  const out: RecallTranslations = {};
  if (!given || typeof given !== 'object') return out;
  for (const [locale, texts] of Object.entries(given as Record<string, unknown>)) {
    if (!isLocale(locale) || !texts || typeof texts !== 'object') continue;
    const kept: RecallTexts = {};
    for (const kind of textKinds) {
      const v = (texts as Record<string, unknown>)[kind];
      if (typeof v === 'string' && v.trim()) kept[kind] = v.trim();
    }
    if (Object.keys(kept).length) out[locale] = kept;
  }
  return out;
}

/**
 * The texts per language QA gave (a recall's, or a revised notice's changed texts): trimmed, empty
 * ones dropped; a text too long or an unknown language is added to `fields`
 * (`translations/<locale>/<kind>`, `translations`).
 */
export function checkTranslations(given: Record<string, RecallTexts> | undefined, fields: Problems): RecallTranslations {
  const translations: RecallTranslations = {};
  for (const [locale, texts] of Object.entries(given ?? {})) {
    const kept: RecallTexts = {};
    for (const kind of textKinds) {
      const v = texts?.[kind]?.trim();
      if (!v) continue;
      if (v.length > recallTextLimits[kind]) fields[`translations/${locale}/${kind}`] = problem('recalls.tooLong', { max: recallTextLimits[kind] });
      kept[kind] = v;
    }
    if (!Object.keys(kept).length) continue;
    if (isLocale(locale)) translations[locale] = kept;
    else fields.translations = problem('recalls.badLanguages');
  }
  return translations;
}

/**
 * The languages a consignee's notice mail, follow-ups and attached notices come in: its
 * organisation's language first, then the recall's other notice languages.
 */
export function consigneeLocales(organisationLanguage: string | null | undefined, noticeLocales: readonly unknown[]): Locale[] {
  const wanted = [organisationLanguage, ...noticeLocales].filter(isLocale);
  return [...new Set(wanted.length ? wanted : [defaultLocale])];
}

/** The notice languages of a recall that names none (from the ERP): English and Simplified Chinese. */
export const defaultNoticeLocales: Locale[] = ['en', 'zh-CN'];
