import { describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../errors.ts';
import { translateProblem } from '../i18n/index.ts';
import { checkNewRecall, type NewRecall } from './create-recall.ts';
import { classificationProblem } from './recall-terms.ts';

const today = '2026-03-01';
const valid: NewRecall = {
  recallNumber: 'FSCA-2026-004',
  classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }],
  reason: 'Leak at the roller clamp',
  hazard: 'Air embolism',
  actions: ['quarantine', 'return'],
  products: [{ gtin: '9506000134352', lots: ['L-A'] }],
  responseDeadline: '2026-03-10',
  effectivenessLevel: 'B',
  effectivenessPercent: 30,
  noticeLanguages: ['en', 'zh-CN'],
};

function problemsOf(input: NewRecall) {
  let e: unknown;
  try {
    checkNewRecall(input, today);
  } catch (thrown) {
    e = thrown;
  }
  expect(isAppError(e), `expected a refusal, got ${String(e)}`).toBe(true);
  expect((e as AppError).code).toBe('invalid_input');
  return (e as AppError).problems;
}

describe('checkNewRecall', () => {
  it('takes a complete recall as it is, the GTIN as GTIN-14', () => {
    expect(checkNewRecall(valid, today)).toMatchObject({ recallNumber: 'FSCA-2026-004', products: [{ gtin: '09506000134352', lots: ['L-A'] }] });
  });

  it('names every problem at once, each as a code with the values its message needs', () => {
    expect(
      problemsOf({
        ...valid,
        recallNumber: 'FSCA 2026',
        reason: 'x'.repeat(501),
        actions: ['pray'],
        instructionText: 'y'.repeat(2001),
        products: [{ gtin: '9506000134352', lots: ['L'.repeat(21)], serials: ['S'.repeat(21)], expiryFrom: '2027-05-01', expiryTo: '2027-13-01' }],
        responseDeadline: 'soon',
        noticeLanguages: ['fr'],
      }),
    ).toEqual({
      recallNumber: { code: 'recalls.badRecallNumber', params: { max: 35 } },
      reason: { code: 'recalls.tooLong', params: { max: 500 } },
      actions: { code: 'recalls.actionUnknown', params: { action: 'pray' } },
      instructionText: { code: 'recalls.tooLong', params: { max: 2000 } },
      'products/0/lots': { code: 'recalls.lotLength', params: { max: 20 } },
      'products/0/serials': { code: 'recalls.serialLength', params: { max: 20 } },
      'products/0/expiryTo': { code: 'recalls.badDate' },
      responseDeadline: { code: 'recalls.badDate' },
      noticeLanguages: { code: 'recalls.badLanguages' },
    });
  });

  it('refuses a recall with nothing to recall and an expiry range the wrong way round', () => {
    expect(problemsOf({ ...valid, classifications: [], products: [] })).toEqual({
      classifications: { code: 'recalls.classificationNone' },
      products: { code: 'recalls.productsNone' },
    });
    expect(problemsOf({ ...valid, products: [{ gtin: '9506000134352', expiryFrom: '2027-05-01', expiryTo: '2027-01-01' }] })).toEqual({
      'products/0/expiryTo': { code: 'recalls.expiryRange' },
    });
  });
});

describe('classificationProblem', () => {
  it('names the jurisdiction and what it allows, worded in both languages', () => {
    expect(classificationProblem({ jurisdiction: 'US-FDA', type: 'recall', class: 'I' })).toBeUndefined();
    expect(classificationProblem({ jurisdiction: 'UK-MHRA', type: 'recall', class: 'I' })).toEqual({ code: 'recalls.classificationJurisdiction', params: { jurisdictions: 'US-FDA, EU-MDR, CN-NMPA' } });
    const badClass = classificationProblem({ jurisdiction: 'CN-NMPA', type: 'recall', class: 'I' })!;
    expect(badClass).toEqual({ code: 'recalls.classificationClass', params: { jurisdiction: 'CN-NMPA', classes: '1, 2, 3' } });
    expect(translateProblem('en', badClass)).toBe('Choose the class for this jurisdiction.');
    expect(translateProblem('zh-CN', badClass)).toBe('请选择该辖区的级别。');
  });
});
