import { describe, expect, it } from 'vitest';
import { add, format, formatPlain, fromInteger, invoiceTotals, lineNet, multiply, parseDecimal, round, taxAmount } from './money.ts';

const d = (text: string) => {
  const v = parseDecimal(text);
  if (v === null) throw new Error(`not a decimal: ${text}`);
  return v;
};

describe('parseDecimal', () => {
  it.each([
    ['3.85', 38500n],
    ['12', 120000n],
    ['0.0001', 1n],
    ['-1.5', -15000n],
    [' 7.10 ', 71000n],
  ])('%s → %s', (text, value) => expect(parseDecimal(text)).toBe(value));

  it.each(['', '1e3', '1,5', '1.23456', '.5', '5.', 'abc', '1 000', 'NaN', 'Infinity'])('refuses %j', (text) => expect(parseDecimal(text)).toBeNull());

  it('limits the places when asked', () => {
    expect(parseDecimal('3.851', 2)).toBeNull();
    expect(parseDecimal('3.85', 2)).toBe(38500n);
  });
});

describe('format', () => {
  it('prints exactly the places asked, rounding half-up', () => {
    expect(format(d('3.845'))).toBe('3.85');
    expect(format(d('3.844'))).toBe('3.84');
    expect(format(d('-3.845'))).toBe('-3.85');
    expect(format(d('12'))).toBe('12.00');
    expect(format(d('0.005'))).toBe('0.01');
    expect(format(d('1.2345'), 4)).toBe('1.2345');
    expect(format(d('7'), 0)).toBe('7');
  });

  it('formatPlain drops trailing zeros', () => {
    expect(formatPlain(d('3.8500'))).toBe('3.85');
    expect(formatPlain(d('12.0'))).toBe('12');
    expect(formatPlain(d('-0.125'))).toBe('-0.125');
  });
});

describe('arithmetic', () => {
  it('never goes through floats: 0.1 + 0.2 is 0.3', () => {
    expect(format(add(d('0.1'), d('0.2')))).toBe('0.30');
    expect(add(d('0.1'), d('0.2'))).toBe(d('0.3'));
  });

  it('round() rounds half away from zero', () => {
    expect(round(d('2.345'), 2)).toBe(d('2.35'));
    expect(round(d('-2.345'), 2)).toBe(d('-2.35'));
    expect(round(d('2.3449'), 2)).toBe(d('2.34'));
    expect(round(d('2.5'), 0)).toBe(d('3'));
  });

  it('multiply keeps 4 places', () => {
    expect(multiply(d('1.0001'), d('1.0001'))).toBe(d('1.0002')); // 1.00020001
    expect(multiply(d('3'), d('3.85'))).toBe(d('11.55'));
  });

  it('lineNet rounds the exact product once, half-up to the cent', () => {
    expect(lineNet(fromInteger(500), d('3.85'))).toBe(d('1925'));
    expect(lineNet(d('3'), d('0.3350'))).toBe(d('1.01')); // 1.005 → 1.01
    expect(lineNet(d('1.5'), d('0.0033'))).toBe(d('0')); // 0.00495 → 0.00 (no double rounding via 0.0050)
    expect(lineNet(d('7'), d('1.4285'))).toBe(d('10')); // 9.9995 → 10.00
  });

  it('taxAmount takes a percent and rounds half-up to the cent', () => {
    expect(taxAmount(d('1925'), d('13'))).toBe(d('250.25'));
    expect(taxAmount(d('10.05'), d('19'))).toBe(d('1.91')); // 1.9095
    expect(taxAmount(d('0.50'), d('7'))).toBe(d('0.04')); // 0.035 → 0.04
    expect(taxAmount(d('100'), d('0'))).toBe(0n);
    expect(taxAmount(d('33.33'), d('7.5'))).toBe(d('2.50')); // 2.49975
  });

  it('fromInteger refuses unsafe numbers', () => {
    expect(fromInteger(42)).toBe(d('42'));
    expect(() => fromInteger(1.5)).toThrow(RangeError);
  });
});

describe('invoiceTotals', () => {
  it('sums lines per rate and computes each rate’s tax on its sum (EN 16931), not per line', () => {
    // Three lines of 0.35 at 19 %: per line 0.0665 → 0.07 each (0.21); on the sum 1.05 → 0.1995 → 0.20.
    const t = invoiceTotals([
      { quantity: d('1'), unitPrice: d('0.35'), taxRate: d('19') },
      { quantity: d('1'), unitPrice: d('0.35'), taxRate: d('19') },
      { quantity: d('1'), unitPrice: d('0.35'), taxRate: d('19') },
      { quantity: d('2'), unitPrice: d('10.005'), taxRate: d('7') },
    ]);
    expect(t.lines.map((v) => format(v))).toEqual(['0.35', '0.35', '0.35', '20.01']);
    expect(t.taxes.map((x) => [formatPlain(x.rate), format(x.taxable), format(x.tax)])).toEqual([
      ['7', '20.01', '1.40'],
      ['19', '1.05', '0.20'],
    ]);
    expect([format(t.net), format(t.tax), format(t.gross)]).toEqual(['21.06', '1.60', '22.66']);
  });

  it('gross is always net + tax exactly, whatever the magnitude', () => {
    const t = invoiceTotals([{ quantity: fromInteger(999_999), unitPrice: d('99999.9999'), taxRate: d('13') }]);
    expect(format(t.net)).toBe('99999899900.00');
    expect(t.gross).toBe(t.net + t.tax);
    expect(format(t.tax)).toBe('12999986987.00');
  });

  it('of no lines is all zero', () => {
    const t = invoiceTotals([]);
    expect([t.net, t.tax, t.gross, t.taxes.length]).toEqual([0n, 0n, 0n, 0]);
  });
});
