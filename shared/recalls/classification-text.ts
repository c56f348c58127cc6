import { en } from '../i18n/en.ts';
import { translate, type Locale, type MessageKey } from '../i18n/index.ts';

/**
 * One classification worded in `locale`: "EU (MDR): Field safety corrective action (FSCA), Other"
 * from `{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }`. A term the catalogues do not
 * know (an ERP's own) is shown as sent. A CN-NMPA recall reads as the Decree names its level:
 * 一级召回, "NMPA level I recall".
 */
export function classificationText(locale: Locale, c: { jurisdiction: string; type: string; class: string }): string {
  const term = (key: string, code: string) => (key in en ? translate(locale, key as MessageKey) : code);
  // A jurisdiction may word the whole in its own terms (CN-NMPA: 一级召回, 医疗器械召回管理办法 第十二条).
  const whole = `recalls.classificationText.${c.jurisdiction}.${c.class}`;
  if (whole in en) return translate(locale, whole as MessageKey);
  return translate(locale, 'recalls.classificationText', {
    jurisdiction: term(`recalls.jurisdiction.${c.jurisdiction}`, c.jurisdiction),
    type: term(`recalls.type.${c.type}`, c.type),
    class: term(`recalls.class.${c.jurisdiction}.${c.class}`, c.class),
  });
}
