import { t } from '$lib/i18n';
import { ediLogEn } from '$shared/i18n/edi-log.en.ts';
import type { MessageKey } from '$shared/i18n/index.ts';

/** What an outbound AS2 message is for, worded (`contrl` → "Syntax acknowledgement (CONTRL)"); a purpose the catalogue does not name is shown as stored. */
export function as2PurposeName(purpose: string): string {
  const key = `ediLog.as2Purpose.${purpose}`;
  return key in ediLogEn ? t(key as MessageKey) : purpose;
}
