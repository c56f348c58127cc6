// Reading CSV as people export it from spreadsheets: RFC 4180 records, comma or semicolon.

/** Semicolon when the first line has semicolons and no comma (a German or Chinese spreadsheet's export), else comma. */
export function csvDelimiter(text: string): ',' | ';' {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  return !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
}

/** RFC 4180 records: quoted cells may hold the delimiter, quotes ("") and line breaks. Returns each record with its first line number. */
export function csvRecords(text: string, delimiter: string): { line: number; cells: string[] }[] | 'unclosed' {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      out.push({ line: start, cells });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) return 'unclosed';
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    out.push({ line: start, cells });
  }
  return out;
}

const signedNumber = /^[+-](\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The first cell a spreadsheet would run as a formula when the file is opened (it starts with
 * =, @, a tab or a carriage return, or with + or - and is not just a signed number), or null.
 * A measurement such as -0.02 or +5 is a number, not a formula; -2+3+cmd is one.
 */
export function firstFormulaCell(text: string): { row: number; column: number } | null {
  const all = csvRecords(text.replace(/^\uFEFF/, ''), csvDelimiter(text));
  if (all === 'unclosed') return null;
  for (const r of all) {
    const column = r.cells.findIndex((c) => /^[=@\t\r]/.test(c) || (/^[+-]/.test(c) && !signedNumber.test(c.trim())));
    if (column >= 0) return { row: r.line, column: column + 1 };
  }
  return null;
}
