import { t } from '$lib/i18n';
import { webhooksEn } from '$shared/i18n/webhooks.en.ts';
import type { MessageKey } from '$shared/i18n/index.ts';

/** An ERP event type's readable name (`certificate.approved` → "Certificate approved"); a type the catalogue does not name is shown as sent. */
export function eventName(type: string): string {
  const key = `webhooks.event.${type}`;
  return key in webhooksEn ? t(key as MessageKey) : type;
}
