// Findings and check names of the validation package worded in a language: a finding's code is a
// catalogue key (`validation.*` of the CLI's checks, `validationPortal.finding.*` of the
// server's), or a problem code (`<capability>.<code>` → `<capability>.problem.<code>`).
import { problemKey, type ProblemCode } from '../errors.ts';
import { en } from '../i18n/en.ts';
import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import type { Finding } from './report.ts';

const isKey = (key: string): key is MessageKey => Object.hasOwn(en, key);

/**
 * A fact's value or a finding's parameter in `locale`: yes or no, or a code the catalogue words
 * (`validationValue.<code>`: per_request, no_shipped_lot, a record type, a record problem…);
 * anything else (a number, a hash, an id, a host) as it is.
 */
export function wordValue(locale: Locale, value: string | number | boolean): string {
  const key = `validationValue.${String(value)}`;
  return typeof value !== 'number' && isKey(key) ? translate(locale, key) : String(value);
}

/** The finding in `locale`, its coded parameters worded (wordValue); a code no catalogue knows is shown as such, not lost. */
export function wordFinding(locale: Locale, finding: Finding): string {
  const params = Object.fromEntries(Object.entries(finding.params ?? {}).map(([k, v]) => [k, wordValue(locale, v)]));
  if (isKey(finding.code)) return translate(locale, finding.code, params);
  const dot = finding.code.indexOf('.');
  const asProblem = dot > 0 ? problemKey(finding.code as ProblemCode) : '';
  if (isKey(asProblem)) return translate(locale, asProblem, params);
  return translate(locale, 'validationPortal.finding.unknown', { code: finding.code });
}

/** A check's name (`validation.check.<id>`, the CLI's), or "Check <id>" for one the catalogue does not name. */
export function wordCheck(locale: Locale, id: string): string {
  const key = `validation.check.${id}`;
  return isKey(key) ? translate(locale, key) : translate(locale, 'validationPortal.check.other', { id });
}
