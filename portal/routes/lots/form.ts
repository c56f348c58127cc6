// Server-side helper of the lot pages: reading the single-lot form as the use case takes it.
import type { Problem } from '$shared/errors.ts';
import type { LotInput } from '$shared/lots/submit-lots.ts';
import { Gs1ParseError, parseElementString } from '$shared/gs1/parse-element-string.ts';
import { field as text } from '$lib/server/form-fields.ts';

/** The names of the form's fields: the CSV columns, plus the note and the barcode. */
export const formFields = ['barcode', 'gtin', 'lot', 'serials', 'manufacture_date', 'expiry_date', 'quantity', 'po_number', 'po_line', 'certificate', 'certificate_note'] as const;

/**
 * The single-lot form as the use case takes it. A barcode typed or scanned without JavaScript
 * fills the fields left empty here (with it, the page has filled them already).
 */
export function readLotForm(form: FormData): { lot: LotInput; values: Record<string, string>; barcodeProblem?: Problem; fromBarcode: boolean } {
  const values = Object.fromEntries(formFields.map((f) => [f, text(form, f)])) as Record<(typeof formFields)[number], string>;
  let barcodeProblem: Problem | undefined;
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
      if (!(e instanceof Gs1ParseError)) throw e;
      barcodeProblem = e.problem;
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
