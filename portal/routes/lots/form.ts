// Server-side helpers of the lot pages: reading the form, and translating the use cases' row
// problems (stable texts, see lotProblems, lotWarnings and csvProblems) into the user's language.
import { lotProblems, lotWarnings, type RowProblem } from '$shared/lots/lot.ts';
import { csvProblems } from '$shared/lots/parse-lots-csv.ts';
import type { LotInput } from '$shared/lots/submit-lots.ts';
import { parseElementString } from '$shared/gs1/parse-element-string.ts';
import { translate, type Locale, type MessageKey } from '$shared/i18n/index.ts';

const catalogues: [prefix: string, texts: Record<string, string>][] = [
  ['lots.problem', lotProblems],
  ['lots.warning', lotWarnings],
  ['lots.csvProblem', csvProblems],
];

/** One problem text in the user's language; `{detail}` carries what follows ": " (values at fault, the existing record). */
export function problemMessage(locale: Locale, text: string): string {
  for (const [prefix, texts] of catalogues) {
    for (const [code, base] of Object.entries(texts)) {
      if (text === base || text.startsWith(`${base}: `)) return translate(locale, `${prefix}.${code}` as MessageKey, { detail: text.slice(base.length + 2) });
    }
  }
  return text;
}

export interface ShownProblem {
  row: number | null;
  column: string | null;
  message: string;
}

export function translateProblems(locale: Locale, problems: RowProblem[]): ShownProblem[] {
  return problems.map((p) => ({ row: p.row, column: p.column, message: problemMessage(locale, p.message) }));
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

/** The names of the form's fields: the CSV columns, plus the note and the barcode. */
export const formFields = ['barcode', 'gtin', 'lot', 'serials', 'manufacture_date', 'expiry_date', 'quantity', 'po_number', 'po_line', 'certificate', 'certificate_note'] as const;

/**
 * The single-lot form as the use case takes it. A barcode typed or scanned without JavaScript
 * fills the fields left empty here (with it, the page has filled them already).
 */
export function readLotForm(form: FormData): { lot: LotInput; values: Record<string, string>; barcodeProblem?: string; fromBarcode: boolean } {
  const values = Object.fromEntries(formFields.map((f) => [f, text(form, f)])) as Record<(typeof formFields)[number], string>;
  let barcodeProblem: string | undefined;
  let fromBarcode = false;
  if (values.barcode.trim()) {
    try {
      const p = parseElementString(values.barcode);
      fromBarcode = true;
      if (!values.gtin.trim() && p.gtin) values.gtin = p.gtin;
      if (!values.lot.trim() && p.lot) values.lot = p.lot;
      if (!values.serials.trim() && p.serial) values.serials = p.serial;
      if (!values.manufacture_date.trim() && p.manufactureDate) values.manufacture_date = p.manufactureDate;
      if (!values.expiry_date.trim() && p.expiryDate) values.expiry_date = p.expiryDate;
    } catch (e) {
      barcodeProblem = `${lotProblems.barcode}: ${(e as Error).message}`;
    }
  }
  return {
    values,
    barcodeProblem,
    fromBarcode,
    lot: {
      row: 1,
      gtin: values.gtin,
      lot: values.lot,
      serials: values.serials
        .split(/[\n|]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      manufactureDate: values.manufacture_date,
      expiryDate: values.expiry_date,
      quantity: values.quantity,
      poNumber: values.po_number,
      poLine: values.po_line,
      certificate: values.certificate,
      certificateNote: values.certificate_note,
    },
  };
}
