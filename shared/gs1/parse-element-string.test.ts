import { describe, expect, it } from 'vitest';
import { gs1Date, parseElementString, Gs1ParseError } from './parse-element-string.ts';

const GS = '\u001d';
const today = new Date('2026-03-02T09:00:00Z');
const parse = (s: string) => parseElementString(s, today);

describe('parseElementString', () => {
  it('reads the human-readable form of a UDI (GS1 example GTIN 09506000134352) [REQ-GS1-01]', () => {
    const p = parse('(01)09506000134352(17)280331(10)L2403A(21)SN1');
    expect(p).toMatchObject({ gtin: '09506000134352', expiryDate: '2028-03-31', lot: 'L2403A', serial: 'SN1', ignored: [] });
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

  it('ignores other AIs, listing them, in both forms', () => {
    const human = parse('(01)09506000134352(240)ABC-9(10)L1(30)12');
    expect(human).toMatchObject({ lot: 'L1', ignored: ['240', '30'] });
    const raw = parse(`0109506000134352240ABC-9${GS}3103000250${'10'}L1`);
    expect(raw).toMatchObject({ lot: 'L1', ignored: ['240', '3103'] });
  });

  it('refuses a GTIN with a wrong check digit or the wrong length [REQ-GS1-01]', () => {
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

  it('names each refusal as a problem code with its values, for the form to word', () => {
    const problemOf = (text: string) => {
      try {
        parse(text);
      } catch (e) {
        return (e as Gs1ParseError).problem;
      }
      throw new Error(`${text} was read`);
    };
    expect(problemOf('(01)09506000134353(10)L1')).toEqual({ code: 'gs1.gtinCheckDigit', params: { gtin: '09506000134353' } });
    expect(problemOf('(01)9506000134352(10)L1')).toEqual({ code: 'gs1.gtinDigits', params: { gtin: '9506000134352' } });
    expect(problemOf('(01)09506000134352(17)281331')).toEqual({ code: 'gs1.badDate', params: { ai: '17', value: '281331' } });
    expect(problemOf('(01)09506000134352(10)ABCDEFGHIJKLMNOPQRSTU')).toEqual({ code: 'gs1.tooLong', params: { ai: '10', max: 20 } });
    expect(problemOf('(01)09506000134352(21)')).toEqual({ code: 'gs1.emptyValue', params: { ai: '21' } });
    expect(problemOf('(10)A(10)B')).toEqual({ code: 'gs1.repeatedAi', params: { ai: '10' } });
    expect(problemOf('')).toEqual({ code: 'gs1.empty' });
    expect(problemOf('hello')).toEqual({ code: 'gs1.unknownAi', params: { prefix: 'he', position: 1 } });
    expect(problemOf('(01)09506000134352 garbage(')).toEqual({ code: 'gs1.unreadable', params: { position: 27 } });
    expect(problemOf(']E0123456789012')).toEqual({ code: 'gs1.notGs1', params: { symbology: ']E0' } });
    expect(problemOf('01095060001343')).toEqual({ code: 'gs1.tooShort', params: { ai: '01', length: 14 } });
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
