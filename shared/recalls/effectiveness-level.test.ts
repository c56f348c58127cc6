import { describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../errors.ts';
import { translateProblem } from '../i18n/index.ts';
import { checkNewRecall, type NewRecall } from './create-recall.ts';
import { sampleSize } from './draw-effectiveness-checks.ts';
import { effectivenessPercentProblem } from './recall-terms.ts';

// 21 CFR 7.42(b)(3): level B checks "some percentage of the consignees … greater than 10 percent
// and less than 100 percent". QA sets it; the sample follows it.
const recall: NewRecall = {
  recallNumber: 'FSCA-2026-040',
  classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }],
  reason: 'Leak at the roller clamp',
  hazard: 'Air embolism',
  actions: ['quarantine'],
  products: [{ gtin: '9506000134352', lots: ['L-A'] }],
  responseDeadline: '2026-03-10',
  effectivenessLevel: 'B',
  noticeLanguages: ['en'],
};
const today = '2026-03-01';

function refusedWith(input: NewRecall) {
  try {
    checkNewRecall(input, today);
  } catch (e) {
    expect(isAppError(e)).toBe(true);
    return (e as AppError).problems;
  }
  throw new Error('expected a refusal');
}

describe('level B percentage', () => {
  it('lies strictly between level C (10) and level A (100)', () => {
    const bounds = { code: 'recallClosing.percentBounds', params: { above: 10, below: 100 } };
    for (const wrong of [10, 100, 9.99, 100.5, 0, -30, Number.NaN, Number.POSITIVE_INFINITY, '30', undefined]) expect(effectivenessPercentProblem(wrong), String(wrong)).toEqual(bounds);
    for (const right of [10.01, 11, 50, 99, 99.9]) expect(effectivenessPercentProblem(right), String(right)).toBeUndefined();
    expect(translateProblem('en', bounds as never)).toBe('Level B checks a percentage of the consignees: more than 10 and less than 100.');
    expect(translateProblem('de', bounds as never)).toBe('Stufe B prüft einen Prozentsatz der Empfänger: mehr als 10 und weniger als 100.');
  });

  it('is required with level B, read from the form ("33,5" too), signed with the recall; other levels keep their payload as before [REQ-RCL-STRATEGY-01]', () => {
    expect(refusedWith(recall)).toEqual({ effectivenessPercent: { code: 'recallClosing.percentBounds', params: { above: 10, below: 100 } } });
    expect(refusedWith({ ...recall, effectivenessPercent: '10' })).toHaveProperty('effectivenessPercent');
    expect(refusedWith({ ...recall, effectivenessPercent: 'half' })).toHaveProperty('effectivenessPercent');
    expect(checkNewRecall({ ...recall, effectivenessPercent: '33,5' }, today).effectivenessPercent).toBe(33.5);
    expect(checkNewRecall({ ...recall, effectivenessPercent: 30 }, today)).toMatchObject({ effectivenessLevel: 'B', effectivenessPercent: 30 });
    expect(checkNewRecall({ ...recall, effectivenessLevel: 'C', effectivenessPercent: 30 }, today)).not.toHaveProperty('effectivenessPercent');
  });

  it('sets the sample size: the share rounded up, at least one', () => {
    expect(sampleSize('B', 10, 30)).toBe(3);
    expect(sampleSize('B', 10, 31)).toBe(4);
    expect(sampleSize('B', 3, 11)).toBe(1);
    expect(sampleSize('B', 200, 99.5)).toBe(199);
    // Without a percentage (an ERP recall that gave none) level B checks half.
    expect(sampleSize('B', 5)).toBe(3);
    // A percentage never changes another level.
    expect(sampleSize('C', 30, 50)).toBe(3);
  });
});
