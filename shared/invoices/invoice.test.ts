import { describe, expect, it } from 'vitest';
import { currencies, invoiceProblem, invoiceProblems, readInvoiceProblem, type InvoiceProblem } from './invoice.ts';

describe('invoice problems', () => {
  it('fills a template and reads its code and values back', () => {
    const text = invoiceProblem('priceDiffers', { invoiced: '3.90', ordered: '3.85' });
    expect(text).toBe("is 3.90, the purchase order's unit price is 3.85");
    expect(readInvoiceProblem(text)).toEqual({ code: 'priceDiffers', params: { invoiced: '3.90', ordered: '3.85' } });
  });

  it.each(Object.keys(invoiceProblems) as InvoiceProblem[])('%s round-trips', (code) => {
    const names = [...invoiceProblems[code].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const params = Object.fromEntries(names.map((n, i) => [n, `v${i} x`]));
    expect(readInvoiceProblem(invoiceProblem(code, params))).toEqual({ code, params });
  });

  it('does not claim a text it did not make', () => {
    expect(readInvoiceProblem('something else')).toBeNull();
  });

  it('knows the common ISO 4217 codes and not made-up ones', () => {
    for (const c of ['EUR', 'USD', 'CNY', 'JPY', 'GBP', 'CHF']) expect(currencies.has(c)).toBe(true);
    for (const c of ['XYZ', 'EURO', 'eur', 'RMB']) expect(currencies.has(c)).toBe(false);
  });
});
