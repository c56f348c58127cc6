import { t } from '$lib/i18n';
import { auditEn } from '$shared/i18n/audit.en.ts';
import type { MessageKey } from '$shared/i18n/index.ts';

const actionPrefix = 'audit.act.';
const recordPrefix = 'audit.record.';
const named = (prefix: string) => Object.keys(auditEn).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));

/** Every action and record type that has a readable name, for the filters. */
export const knownActions = named(actionPrefix);
export const knownRecordTypes = named(recordPrefix);

function label(prefix: string, code: string): string {
  const key = `${prefix}${code}`;
  return key in auditEn ? t(key as MessageKey) : code;
}

/** An action's readable name in the page's language (the code itself for one not named yet). */
export const actionName = (action: string) => label(actionPrefix, action);
export const recordTypeName = (type: string) => label(recordPrefix, type);
/** Who wrote an entry when it bears no name: a user, a partner system or Lotbridge itself. */
export const actorTypeName = (type: string) => label('audit.actorType.', type);
