import { describe, expect, it } from 'vitest';
import { gtinCheckDigit, isValidGtin, toGtin14 } from './gtin.ts';

describe('GTIN', () => {
  it('accepts GS1 example GTINs of every length', () => {
    for (const g of ['96385074', '614141000036', '4006381333931', '09506000134352', '00614141000036']) expect(isValidGtin(g), g).toBe(true);
  });

  it('refuses a wrong check digit, wrong lengths and non-digits [REQ-GS1-01]', () => {
    for (const g of ['09506000134353', '4006381333932', '123', '0950600013435X', '095060001343520', '']) expect(isValidGtin(g), g).toBe(false);
  });

  it('computes the check digit and pads to GTIN-14', () => {
    expect(gtinCheckDigit('0950600013435')).toBe(2);
    expect(toGtin14('4006381333931')).toBe('04006381333931');
  });
});
