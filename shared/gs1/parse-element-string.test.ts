import { describe, expect, it } from 'vitest';
import { gs1Date, parseElementString, Gs1ParseError } from './parse-element-string.ts';

const GS = '\u001d';
const today = new Date('2026-03-02T09:00:00Z');
const parse = (s: string) => parseElementString(s, today);

describe('parseElementString', () => {
  it('reads the human-readable form of a UDI (GS1 example GTIN 09506000134352)', () => {
    const p = parse('(01)09506000134352(17)280331(10)L2403A(21)SN1');
    expect(p).toMatchObject({ gtin: '09506000134352', expiryDate: '2028-03-31', lot: 'L2403A', serial: 'SN1', warnings: [] });
    expect(p.elements.map((e) => e.ai)).toEqual(['01', '17', '10', '21']);
  });

  it('reads the GS1 DataMatrix Guideline example in both forms', () => {
    // GS1 DataMatrix Guideline, 2.2: (01)09501101530003(17)140704(10)AB-123
    const human = parse('(01)09501101530003(17)140704(10)AB-123');
    const raw = parse(`]d201095011015300031714070410AB-123`);
    for (const p of [human, raw]) expect(p).toMatchObject({ gtin: '09501101530003', expiryDate: '2014-07-04', lot: 'AB-123' });
  });

  it('reads the raw FNC1 form: a variable-length field ends at GS, fixed ones need none', () => {
    const p = parse(`]C101095060001343521128010110L2403A${GS}21SN-000123${GS}17280331`);
    expect(p).toMatchObject({ gtin: '09506000134352', manufactureDate: '2028-01-01', lot: 'L2403A', serial: 'SN-000123', expiryDate: '2028-03-31' });
  });

  it('accepts the ]Q3 identifier, no identifier, a leading GS and the <GS> stand-in of pasted text', () => {
    expect(parse(`]Q30109506000134352${GS}10LOT7`).lot).toBe('LOT7');
    expect(parse(`${GS}010950600013435210LOT7`).gtin).toBe('09506000134352');
    expect(parse('010950600013435210LOT7<GS>21S9').serial).toBe('S9');
  });

  it('reads DD = 00 as the last day of the month', () => {
    expect(parse('(01)09506000134352(17)280200').expiryDate).toBe('2028-02-29');
    expect(parse('(01)09506000134352(17)270200').expiryDate).toBe('2027-02-28');
    expect(parse('(01)09506000134352(17)261100').expiryDate).toBe('2026-11-30');
  });

  it('ignores other AIs with a warning, in both forms', () => {
    const human = parse('(01)09506000134352(240)ABC-9(10)L1(30)12');
    expect(human).toMatchObject({ lot: 'L1', warnings: ['AI (240) ignored', 'AI (30) ignored'] });
    const raw = parse(`0109506000134352240ABC-9${GS}3103000250${'10'}L1`);
    expect(raw).toMatchObject({ lot: 'L1', warnings: ['AI (240) ignored', 'AI (3103) ignored'] });
  });

  it('refuses a GTIN with a wrong check digit or the wrong length', () => {
    expect(() => parse('(01)09506000134353(10)L1')).toThrow(/check digit/);
    expect(() => parse('(01)9506000134352(10)L1')).toThrow(/14 digits/);
    expect(() => parse('0109506000134353')).toThrow(Gs1ParseError);
  });

  it('refuses impossible dates, too long lots and serials, and contradicting repeats', () => {
    expect(() => parse('(01)09506000134352(17)281331')).toThrow(/not a date/);
    expect(() => parse('(01)09506000134352(11)280230')).toThrow(/not a date/);
    expect(() => parse('(01)09506000134352(10)ABCDEFGHIJKLMNOPQRSTU')).toThrow(/longer than 20/);
    expect(() => parse('(01)09506000134352(21)')).toThrow(/empty/);
    expect(() => parse('(10)A(10)B')).toThrow(/twice/);
  });

  it('refuses what is not an element string', () => {
    expect(() => parse('')).toThrow(/empty/);
    expect(() => parse('hello')).toThrow(/unknown application identifier/);
    expect(() => parse('(01)09506000134352 garbage(')).toThrow(/cannot read/);
    expect(() => parse(']E0123456789012')).toThrow(/not a GS1 barcode/);
    expect(() => parse('01095060001343')).toThrow(/needs 14/);
  });
});

describe('gs1Date', () => {
  it('places the century by the GS1 sliding window', () => {
    expect(gs1Date('760101', today)).toBe('2076-01-01');
    expect(gs1Date('770101', today)).toBe('1977-01-01');
    expect(gs1Date('991231', today)).toBe('1999-12-31');
    expect(gs1Date('000229', today)).toBe('2000-02-29');
  });
});
