import type { MessageKey } from '../i18n/index.ts';
import type { NoticeData, NoticeProduct } from './get-notice-data.ts';

type Say = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The manufacturer's SRN for the notice's header when known (MDCG 2023-3 section 4; the FSN reference and type: fsn-text.ts). */
export function srnFacts(data: NoticeData, t: Say): [string, string][] {
  return data.srn ? [[t('noticeContent.srn'), data.srn]] : [];
}

/** One affected product as 21 CFR 7.49(c)(1)(ii) asks: trade name, model/size and UDI-DI (GTIN); the GTIN alone when the item master does not know it. */
export function productLine(p: NoticeProduct, t: Say): string {
  if (!p.tradeName) return t('notice.product', { gtin: p.gtin });
  return p.model ? t('noticeContent.product', { name: p.tradeName, model: p.model, gtin: p.gtin }) : t('noticeContent.productNoModel', { name: p.tradeName, gtin: p.gtin });
}

/** The contact for questions (MDCG 2023-3 section 4) as labelled lines; the manufacturer's name when none is known. */
export function contactLines(data: NoticeData, t: Say): string[] {
  const c = data.contact;
  if (!c) return [t('noticeContent.contactNone', { manufacturer: data.manufacturer })];
  return [
    ...(c.name ? [`${t('noticeContent.contactName')}: ${c.name}`] : []),
    ...(c.email ? [`${t('noticeContent.contactEmail')}: ${c.email}`] : []),
    ...(c.phone ? [`${t('noticeContent.contactPhone')}: ${c.phone}`] : []),
  ];
}

/** MDCG 2023-3 section 4: the statement that the competent authorities were informed, or undefined when the recall names none. */
export function authorityStatement(data: NoticeData, t: Say): string | undefined {
  if (!data.authorities.length) return undefined;
  const named = data.authorities.map((a) => (a.informedOn ? t('noticeContent.authorityOn', { authority: a.name, date: a.informedOn }) : a.name));
  return t('noticeContent.authorityStatement', { authorities: named.join('; ') });
}
