// The CSV way in to lot data: the template (header row and an example) and its parser. The
// parser only reads the table; submitLots validates the rows it yields like any other lots.
import { problem, type Problem } from '../errors.ts';
import { lotCsvColumns, type RowProblem } from './lot.ts';
import { csvDelimiter, csvRecords } from '../files/csv-records.ts';
import type { LotInput } from './submit-lots.ts';

export interface ParsedLotsCsv {
  /** One LotInput per data row, with `row` = its line number in the file (the header is line 1). */
  lots: LotInput[];
  /** Rows that could not be read as a row of the template (wrong number of cells). */
  rejected: RowProblem[];
}

/**
 * The downloadable template: the header and one example row (GS1's example GTIN), which the demo
 * accepts as it is: its purchase order PO-4500017001 orders that GTIN on line 1 (shared/demo/demo-data.ts).
 */
export function lotsCsvTemplate(): string {
  return `${lotCsvColumns.join(',')}\r\n09506000134352,L2511B,SN0001|SN0002,2025-11-10,2030-11-30,2,PO-4500017001,1,\r\n`;
}

/** Why the whole file was refused: a problem of its header (`column`) or of the file (null). */
export interface FileProblem extends Problem {
  column: string | null;
}

const maxMegabytes = 5;
const maxBytes = maxMegabytes * 1024 * 1024;
const required = ['gtin', 'lot', 'quantity'] as const;


/**
 * Reads a lot CSV (UTF-8, optional BOM; comma or, as spreadsheets in many locales write it,
 * semicolon separated; header names in any order and case). Serials are separated by `|`.
 * Blank lines are skipped. A problem with the header refuses the whole file (`fileProblem`);
 * a row with the wrong number of cells is refused as a row.
 */
export function parseLotsCsv(bytes: Uint8Array | string): ParsedLotsCsv & { fileProblem?: FileProblem } {
  const refused = (column: string | null, p: Problem) => ({ lots: [], rejected: [], fileProblem: { column, ...p } });
  let text: string;
  if (typeof bytes === 'string') text = bytes;
  else {
    if (bytes.length > maxBytes) return refused(null, problem('lots.fileTooLarge', { max: maxMegabytes }));
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return refused(null, problem('lots.notText'));
    }
  }
  text = text.replace(/^\uFEFF/, '');
  const all = csvRecords(text, csvDelimiter(text));
  if (all === 'unclosed') return refused(null, problem('lots.unclosedQuote'));
  const nonBlank = all.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const header = nonBlank.shift();
  if (!header) return refused(null, problem('lots.empty'));

  const names = header.cells.map((c) => c.trim().toLowerCase());
  for (const [i, name] of names.entries()) {
    if (!(lotCsvColumns as readonly string[]).includes(name)) return refused(name || `#${i + 1}`, problem('lots.unknownColumn'));
    if (names.indexOf(name) !== i) return refused(name, problem('lots.repeatedColumn'));
  }
  for (const name of required) {
    if (!names.includes(name)) return refused(name, problem('lots.missingColumn'));
  }

  const lots: LotInput[] = [];
  const rejected: RowProblem[] = [];
  for (const r of nonBlank) {
    // A trailing delimiter from a spreadsheet adds an empty cell: tolerated.
    const cells = r.cells.length === names.length + 1 && r.cells.at(-1)!.trim() === '' ? r.cells.slice(0, -1) : r.cells;
    if (cells.length !== names.length) {
      rejected.push({ row: r.line, column: null, ...problem('lots.badRow', { cells: cells.length, columns: names.length }) });
      continue;
    }
    const get = (name: string) => {
      const i = names.indexOf(name);
      return i === -1 ? '' : cells[i]!.trim();
    };
    lots.push({
      row: r.line,
      gtin: get('gtin'),
      lot: get('lot'),
      serials: get('serials')
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean),
      manufactureDate: get('manufacture_date'),
      expiryDate: get('expiry_date'),
      quantity: get('quantity'),
      poNumber: get('po_number'),
      poLine: get('po_line'),
      certificate: get('certificate'),
    });
  }
  return { lots, rejected };
}
