import { describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../errors.ts';
import { checkNewRecall, type NewRecall } from './create-recall.ts';
import { checkOnwardCustomer } from './pass-on-notice.ts';
import { deeper, depthCovers, depthOf } from './onward-terms.ts';

describe('recall depth (21 CFR 7.42(b)(1))', () => {
  it('places a hospital or clinic at user level, a pharmacy at retail, a distributor or anyone else at wholesale', () => {
    expect(['hospital', 'clinic', 'healthcare_facility', 'pharmacy', 'distributor', 'other'].map(depthOf)).toEqual(['user', 'user', 'user', 'retail', 'wholesale', 'wholesale']);
  });

  it('the deepest level reached covers the shallower ones asked for, not the deeper', () => {
    expect(deeper(deeper(null, 'wholesale'), 'retail')).toBe('retail');
    expect(deeper('user', 'wholesale')).toBe('user');
    expect([depthCovers('retail', 'wholesale'), depthCovers('retail', 'retail'), depthCovers('retail', 'user'), depthCovers(null, 'wholesale')]).toEqual([true, true, false, false]);
  });

  const recall: NewRecall = {
    recallNumber: 'FSCA-2026-009',
    classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }],
    reason: 'Leak',
    hazard: 'Air embolism',
    actions: ['quarantine'],
    products: [{ gtin: '9506000134352' }],
    responseDeadline: '2026-03-10',
    effectivenessLevel: 'C',
    noticeLanguages: ['en'],
  };

  it('a portal recall records the depth asked for only when given, so a recall without it is signed as before [REQ-RCL-STRATEGY-01]', () => {
    expect(checkNewRecall({ ...recall, depth: 'retail' }, '2026-03-01')).toMatchObject({ depth: 'retail' });
    expect('depth' in checkNewRecall({ ...recall, depth: '' }, '2026-03-01')).toBe(false);
    let e: unknown;
    try {
      checkNewRecall({ ...recall, depth: 'patient' }, '2026-03-01');
    } catch (thrown) {
      e = thrown;
    }
    expect(isAppError(e) && (e as AppError).problems).toEqual({ depth: { code: 'onward.badDepth' } });
  });
});

describe('checkOnwardCustomer', () => {
  const held = [
    { gtin: '09506000134352', lot: 'L-1', quantity: 50 },
    { gtin: '09506000134352', lot: 'L-2', quantity: 10 },
  ];
  const customer = { name: ' Klinikum Nord ', customerType: 'hospital', email: 'Devices@Klinikum.example', language: 'de', lots: [{ gtin: '09506000134352', lot: 'L-1', quantity: 12 }, { gtin: '09506000134352', lot: 'L-2', quantity: 0 }] };

  it('keeps the lots supplied (not those with 0), the name trimmed and the address in lower case', () => {
    expect(checkOnwardCustomer(customer, held, new Map())).toEqual({ name: 'Klinikum Nord', customerType: 'hospital', email: 'devices@klinikum.example', contactPerson: null, language: 'de', lots: [{ gtin: '09506000134352', lot: 'L-1', quantity: 12 }] });
  });

  it('refuses more than is left of a lot after what was passed on already, and names every other problem at once', () => {
    let e: unknown;
    try {
      checkOnwardCustomer({ ...customer, name: '', customerType: 'patient', email: 'nobody', language: 'fr' }, held, new Map([['09506000134352\u0000L-1', 40]]));
    } catch (thrown) {
      e = thrown;
    }
    expect((e as AppError).problems).toEqual({
      name: { code: 'onward.nameRequired' },
      customerType: { code: 'onward.badCustomerType' },
      email: { code: 'onward.badEmail' },
      language: { code: 'onward.badLanguage' },
      'lots/0/quantity': { code: 'onward.moreThanHeld', params: { max: 10 } },
    });
  });
});
