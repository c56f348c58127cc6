import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { locales } from '../i18n/index.ts';
import { classificationText } from './classification-text.ts';
import { classificationOptions, jurisdictions } from './recall-terms.ts';

// Every jurisdiction, type and class a recall may carry (recall-terms.ts is the source of truth) has a
// worded name: a new one added there without a catalogue entry fails here.
const every = jurisdictions.flatMap((jurisdiction) =>
  classificationOptions[jurisdiction].types.flatMap((type) => classificationOptions[jurisdiction].classes.map((cls) => ({ jurisdiction, type, class: cls as string }))),
);

describe('classification names', () => {
  it.each(every)('$jurisdiction $type $class is worded in the catalogues', (c) => {
    for (const key of [`recalls.jurisdiction.${c.jurisdiction}`, `recalls.type.${c.type}`, `recalls.class.${c.jurisdiction}.${c.class}`]) expect(Object.keys(en)).toContain(key);
  });

  it('words a classification in each language, without its codes', () => {
    const c = { jurisdiction: 'EU-MDR', type: 'fsca', class: 'death-or-serious-deterioration' };
    expect(classificationText('en', c)).toBe('EU (MDR): Field safety corrective action (FSCA), Death or serious deterioration in health');
    for (const locale of locales) expect(classificationText(locale, c)).not.toMatch(/EU-MDR|fsca|death-or/);
  });

  it('words an NMPA level as the Decree does (一级召回), not as codes [REQ-NMPA-01]', () => {
    const c = { jurisdiction: 'CN-NMPA', type: 'recall', class: '1' };
    expect(classificationText('zh-CN', c)).toBe('一级召回');
    expect(classificationText('en', c)).toBe('NMPA level I recall');
    expect(classificationText('de', { ...c, class: '3' })).toBe('NMPA-Rückruf Stufe III');
  });

  it('shows an ERP term it does not know as sent', () => {
    expect(classificationText('en', { jurisdiction: 'US-FDA', type: 'market_withdrawal', class: 'II' })).toBe('USA (FDA): market_withdrawal, Class II');
  });
});
