import { describe, expect, it } from 'vitest';
import { lotsCsvTemplate, parseLotsCsv } from './parse-lots-csv.ts';
import { lotCsvColumns } from './lot.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('parseLotsCsv', () => {
  it('reads its own template back', () => {
    const p = parseLotsCsv(enc(lotsCsvTemplate()));
    expect(p.fileProblem).toBeUndefined();
    expect(p.rejected).toEqual([]);
    expect(p.lots).toEqual([
      { row: 2, gtin: '09506000134352', lot: 'L2511B', serials: ['SN0001', 'SN0002'], manufactureDate: '2025-11-10', expiryDate: '2030-11-30', quantity: '2', poNumber: 'PO-4500017001', poLine: '1', certificate: '' },
    ]);
    expect(lotsCsvTemplate().split('\r\n')[0]).toBe(lotCsvColumns.join(','));
  });

  it('numbers rows by their line in the file, skipping blank lines, and takes columns in any order and case', () => {
    const p = parseLotsCsv('Quantity,LOT,gtin\n\n3,A,09506000134352\r\n\r\n1,B,09506000134352\n');
    expect(p.lots.map((l) => [l.row, l.lot, l.quantity])).toEqual([
      [3, 'A', '3'],
      [5, 'B', '1'],
    ]);
  });

  it('reads quoted cells with delimiters, quotes and line breaks, a BOM and semicolons', () => {
    const p = parseLotsCsv(enc('\uFEFFgtin;lot;serials;quantity\r\n"09506000134352";"A;1";"X""1|Y";2\r\n'));
    expect(p.lots[0]).toMatchObject({ row: 2, lot: 'A;1', serials: ['X"1', 'Y'], quantity: '2' });
    const multi = parseLotsCsv('gtin,lot,quantity\n09506000134352,"L\nX",1\n09506000134352,B,1\n');
    expect(multi.lots.map((l) => l.row)).toEqual([2, 4]);
  });

  it('refuses a row with the wrong number of cells as a row, tolerating one trailing empty cell', () => {
    const p = parseLotsCsv('gtin,lot,quantity\n09506000134352,A,1,\n09506000134352,B\n');
    expect(p.lots.map((l) => l.lot)).toEqual(['A']);
    expect(p.rejected).toEqual([{ row: 3, column: null, code: 'lots.badRow', params: { cells: 2, columns: 3 } }]);
  });

  it('refuses the file for a bad header, an unclosed quote or bytes that are not UTF-8', () => {
    expect(parseLotsCsv('gtin,lot,colour,quantity\n').fileProblem).toEqual({ column: 'colour', code: 'lots.unknownColumn' });
    expect(parseLotsCsv('gtin,lot\n').fileProblem).toEqual({ column: 'quantity', code: 'lots.missingColumn' });
    expect(parseLotsCsv('gtin,lot,lot,quantity\n').fileProblem).toEqual({ column: 'lot', code: 'lots.repeatedColumn' });
    expect(parseLotsCsv('gtin,lot,quantity\n"x,1,1\n').fileProblem).toEqual({ column: null, code: 'lots.unclosedQuote' });
    expect(parseLotsCsv(new Uint8Array([0x67, 0xff, 0xfe])).fileProblem).toEqual({ column: null, code: 'lots.notText' });
    expect(parseLotsCsv('\n\n').fileProblem).toEqual({ column: null, code: 'lots.empty' });
    expect(parseLotsCsv(new Uint8Array(5 * 1024 * 1024 + 1)).fileProblem).toEqual({ column: null, code: 'lots.fileTooLarge', params: { max: 5 } });
  });
});
