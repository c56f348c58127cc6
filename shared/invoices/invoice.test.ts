import { describe, expect, it } from 'vitest';
import { problem, type ProblemCode } from '../errors.ts';
import { translateProblem } from '../i18n/index.ts';
import { invoicesEn } from '../i18n/invoices.en.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { currencies } from './invoice.ts';

/** Every problem code of an invoice submission: the catalogue's invoices.problem.* and the common ones the use case uses. */
const codes = [
  'common.required',
  'common.tooLong',
  ...Object.keys(invoicesEn).flatMap((key) => (key.startsWith('invoices.problem.') ? [`invoices.${key.slice('invoices.problem.'.length)}`] : [])),
] as ProblemCode[];

describe('invoice problems', () => {
  it('words a problem with its values, in English and Chinese', () => {
    const p = problem('invoices.priceDiffers', { invoiced: '3.90', ordered: '3.85' });
    expect(translateProblem('en', p)).toBe('Unit price 3.90 differs from the purchase order’s 3.85.');
    expect(translateProblem('zh-CN', p)).toBe('单价 3.90 与采购订单单价 3.85 不符。');
  });

  it.each(codes)('%s has an English and a Chinese text that use the same values', (code) => {
    const key = `${code.slice(0, code.indexOf('.'))}.problem.${code.slice(code.indexOf('.') + 1)}` as keyof typeof zhCN;
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
    const params = Object.fromEntries(names(translateProblem('en', { code })).map((n, i) => [n, `v${i}`]));
    expect(translateProblem('en', { code, params })).not.toMatch(/[{}]/);
    expect(translateProblem('zh-CN', { code, params })).not.toMatch(/[{}]/);
    expect(names(zhCN[key])).toEqual(Object.keys(params).sort());
  });

  it('has a code for every problem the use case can name (the list is not empty)', () => {
    expect(codes).toContain('invoices.overInvoiced');
    expect(codes.length).toBeGreaterThanOrEqual(20);
  });

  it('knows the common ISO 4217 codes and not made-up ones', () => {
    for (const c of ['EUR', 'USD', 'CNY', 'JPY', 'GBP', 'CHF']) expect(currencies.has(c)).toBe(true);
    for (const c of ['XYZ', 'EURO', 'eur', 'RMB']) expect(currencies.has(c)).toBe(false);
  });
});
