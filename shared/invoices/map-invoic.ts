// An EANCOM INVOIC message → the input of submitInvoice (the same one the portal's form
// gives), with where each field came from so that the use case's refusals can be reported
// against segments too. Every problem of the mapping itself names the segment (its position in
// the message, UNH = 1) and its tag. The order lines are matched by RFF+LI (or the line number
// of a line-level RFF+ON) when the partner sends one; otherwise the caller matches by GTIN
// within the order (see submit-invoic-file.ts), which is why `poLine` may be left open here.
import type { Segment } from '../edifact/interchange.ts';
import { type EdifactProblem } from '../edifact/problems.ts';
import { fill } from '../fill.ts';
import { term, type Term } from '../errors.ts';
import { wordTerms } from '../i18n/index.ts';
import { decimalValue, value } from '../edifact/element-values.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import type { InvoiceLineSubmission, InvoiceSubmission } from './submit-invoice.ts';
import { format, lineNet, parseDecimal } from './money.ts';

export const invoicProblemTexts = {
  notInvoic: 'the message is {type}, not INVOIC',
  creditNote: 'document {code} is a credit note; credit notes cannot be uploaded as invoices',
  unsupportedDocument: 'document type {code} is not a commercial invoice (380)',
  missingSegment: 'the message has no {what}',
  missingValue: '{what} is empty',
  badDate: '{value} is not a date in format {format}',
  unsupportedDateFormat: 'date format {format} is not supported (102, 101, 203, 204)',
  badNumber: '{value} is not a number',
  noGtin: 'the line names no GTIN (LIN item number of type SRV/EN, or PIA with SRV)',
  noQuantity: 'the line has no invoiced quantity (QTY+47)',
  noPrice: 'the line has no net price (PRI+AAA, or PRI+AAB without allowances)',
  noTaxRate: 'no VAT rate for the line (TAX+7+VAT+++:::rate on the line or in the header)',
  allowances: 'allowances and charges (ALC) are not supported; invoice net prices per line instead',
  priceBasis: 'the price per {basis} units gives a unit price {price} with more than 4 decimal places',
} as const;

export type InvoicProblemCode = keyof typeof invoicProblemTexts;

/** Where a field of the submission came from (message-relative segment and tag). */
export interface FieldSource {
  segment: number;
  tag: string;
  element?: number;
  component?: number;
}

export interface MappedLine extends Omit<InvoiceLineSubmission, 'poLine'> {
  /** Null when the message does not reference the order line: match it by GTIN. */
  poLine: number | null;
  /** The line's own order number (line-level RFF+ON), if any. */
  order?: string;
}

export interface MappedInvoic {
  messageReference: string;
  submission: Omit<InvoiceSubmission, 'lines'> & { lines: MappedLine[] };
  sources: Record<string, FieldSource>;
}

/** On refusal, `partial` is what could be read (empty where something was missing), so the rest can still be checked. */
export type MapResult = { ok: true; value: MappedInvoic } | { ok: false; problems: EdifactProblem[]; partial?: MappedInvoic };

function toIsoDate(text: string, fmt: string): string | null {
  let m: RegExpExecArray | null;
  if (fmt === '102' || fmt === '203' || fmt === '204') m = /^(\d{4})(\d{2})(\d{2})/.exec(text);
  else if (fmt === '101') {
    const y = /^(\d{2})(\d{2})(\d{2})$/.exec(text);
    m = y ? ([y[0], `20${y[1]}`, y[2], y[3]] as unknown as RegExpExecArray) : null;
  } else return null;
  const expected = { '102': 8, '101': 6, '203': 12, '204': 14 }[fmt];
  if (!m || text.length !== expected) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

const gtinTypes = new Set(['SRV', 'EN', 'EAN', 'UP', 'GTIN']);

/** Maps one INVOIC message; every problem at once. `positionOf` is the segment's position in the message. */
export function mapInvoic(message: EdifactMessage): MapResult {
  const problems: EdifactProblem[] = [];
  const base = message.segments[0]!.position - 1;
  const pos = (s: Segment) => s.position - base;
  const report = (code: InvoicProblemCode, params: EdifactProblem['params'], s: Segment | null, element?: number, component?: number) =>
    problems.push({
      code,
      message: fill(invoicProblemTexts[code], wordTerms('en', params)),
      params,
      segment: s ? pos(s) : null,
      tag: s?.tag ?? null,
      ...(element ? { element, component: component ?? 1 } : {}),
      messageReference: message.reference,
    });
  const src = (s: Segment, element?: number, component?: number): FieldSource => ({ segment: pos(s), tag: s.tag, ...(element ? { element, component: component ?? 1 } : {}) });
  const sources: Record<string, FieldSource> = {};
  const unh = message.segments[0]!;

  if (message.type !== 'INVOIC') {
    report('notInvoic', { type: message.type }, unh, 2, 1);
    return { ok: false, problems };
  }
  const body = message.segments.slice(1, -1);
  const firstLin = body.findIndex((s) => s.tag === 'LIN');
  const uns = body.findIndex((s) => s.tag === 'UNS');
  const header = body.slice(0, firstLin >= 0 ? firstLin : uns >= 0 ? uns : body.length);
  const detail = firstLin >= 0 ? body.slice(firstLin, uns >= firstLin ? uns : body.length) : [];
  const summary = uns >= 0 ? body.slice(uns + 1) : [];

  const date = (s: Segment, what: Term): string => {
    const text = value(s, 1, 2);
    const fmt = value(s, 1, 3) || '102';
    if (!text) {
      report('missingValue', { what }, s, 1, 2);
      return '';
    }
    if (!['102', '101', '203', '204'].includes(fmt)) {
      report('unsupportedDateFormat', { format: fmt }, s, 1, 3);
      return '';
    }
    const iso = toIsoDate(text, fmt);
    if (!iso) report('badDate', { value: text, format: fmt }, s, 1, 2);
    return iso ?? '';
  };
  const num = (s: Segment, e: number, c: number): string => {
    const raw = value(s, e, c);
    const v = decimalValue(raw);
    if (v === null) report(raw ? 'badNumber' : 'missingValue', raw ? { value: raw } : { what: term('invoices.edifact.what.value') }, s, e, c);
    // Same value, fewer places: "13.000" → "13.00" (the use case takes at most 2 places for amounts).
    return v === null ? '' : v.replace(/^(-?\d+\.\d\d\d*?)0+$/, '$1');
  };

  // BGM: the document type and number.
  let number = '';
  const bgm = header.find((s) => s.tag === 'BGM');
  if (!bgm) report('missingSegment', { what: term('invoices.edifact.what.bgm') }, unh);
  else {
    const code = value(bgm, 1, 1);
    if (code === '381') report('creditNote', { code }, bgm, 1, 1);
    else if (code !== '380') report('unsupportedDocument', { code: code || '(none)' }, bgm, 1, 1);
    number = value(bgm, 2, 1);
    if (!number) report('missingValue', { what: term('invoices.edifact.what.documentNumber') }, bgm, 2, 1);
    sources.number = src(bgm, 2, 1);
  }

  // Header dates; the due date from DTM+13, or from the PAT group's DTM+13/140.
  let invoiceDate = '';
  let dueDate = '';
  let paymentTerms = '';
  let inPat = false;
  let relativeTerms: { days: number; seg: Segment } | null = null;
  for (const s of header) {
    if (s.tag === 'PAT') {
      inPat = true;
      // PAT+…++5:3:D:30: 30 days after the invoice date.
      if (value(s, 3, 1) === '5' && value(s, 3, 2) === '3' && value(s, 3, 3) === 'D' && /^\d{1,3}$/.test(value(s, 3, 4)) && !relativeTerms) relativeTerms = { days: Number(value(s, 3, 4)), seg: s };
      const n = value(s, 3, 4);
      const unit = { D: 'days', WK: 'weeks', M: 'months' }[value(s, 3, 3)];
      if (n && unit && !paymentTerms) paymentTerms = `${n} ${unit}`;
      continue;
    }
    if (inPat && s.tag !== 'DTM' && s.tag !== 'PCD' && s.tag !== 'MOA') inPat = false;
    if (s.tag !== 'DTM') continue;
    const q = value(s, 1, 1);
    if ((q === '137' || (q === '3' && !invoiceDate)) && !sources.invoiceDate) {
      invoiceDate = date(s, term('invoices.edifact.what.invoiceDate'));
      sources.invoiceDate = src(s, 1, 2);
    } else if ((q === '13' || (inPat && q === '140')) && !sources.dueDate) {
      dueDate = date(s, term('invoices.edifact.what.dueDate'));
      sources.dueDate = src(s, 1, 2);
    }
  }
  if (!sources.invoiceDate) report('missingSegment', { what: term('invoices.edifact.what.invoiceDateSegment') }, bgm ?? unh);
  if (!sources.dueDate && relativeTerms && invoiceDate) {
    const d = new Date(`${invoiceDate}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + relativeTerms.days);
    dueDate = d.toISOString().slice(0, 10);
    sources.dueDate = src(relativeTerms.seg, 3, 4);
  }
  if (!sources.dueDate) report('missingSegment', { what: term('invoices.edifact.what.dueDateSegment') }, bgm ?? unh);

  // The order: header RFF+ON, else the lines' own.
  let purchaseOrder = '';
  const rffOn = header.find((s) => s.tag === 'RFF' && value(s, 1, 1) === 'ON');
  if (rffOn) {
    purchaseOrder = value(rffOn, 1, 2);
    sources.purchaseOrder = src(rffOn, 1, 2);
    if (!purchaseOrder) report('missingValue', { what: term('invoices.edifact.what.orderNumber') }, rffOn, 1, 2);
  }

  // Currency: CUX+2:EUR (the invoicing currency), else the first CUX.
  let currency = '';
  const cux = header.find((s) => s.tag === 'CUX' && value(s, 1, 1) === '2') ?? header.find((s) => s.tag === 'CUX');
  if (!cux) report('missingSegment', { what: term('invoices.edifact.what.currencySegment') }, bgm ?? unh);
  else {
    currency = value(cux, 1, 2);
    sources.currency = src(cux, 1, 2);
    if (!currency) report('missingValue', { what: term('invoices.edifact.what.currency') }, cux, 1, 2);
  }

  // Header VAT rate (SG6 TAX outside an ALC group) for lines without their own.
  const vatRate = (s: Segment) => value(s, 1) === '7' && (value(s, 2, 1) === 'VAT' || value(s, 2, 1) === '') && value(s, 5, 4) !== '';
  let headerTax: Segment | null = null;
  let inAlc = false;
  for (const s of header) {
    if (s.tag === 'ALC') {
      inAlc = true;
      report('allowances', {}, s);
    } else if (s.tag === 'TAX' && !inAlc && vatRate(s) && !headerTax) headerTax = s;
  }

  // Lines.
  const lines: MappedLine[] = [];
  const groups: Segment[][] = [];
  for (const s of detail) {
    if (s.tag === 'LIN') groups.push([s]);
    else groups[groups.length - 1]?.push(s);
  }
  if (groups.length === 0) report('missingSegment', { what: term('invoices.edifact.what.lines') }, uns >= 0 ? body[uns]! : unh);
  groups.forEach((g, i) => {
    const lin = g[0]!;
    const at = (name: string) => `lines/${i}/${name}`;
    let gtin = '';
    if (gtinTypes.has(value(lin, 3, 2)) && value(lin, 3, 1)) {
      gtin = value(lin, 3, 1);
      sources[at('gtin')] = src(lin, 3, 1);
    } else {
      for (const pia of g.filter((s) => s.tag === 'PIA')) {
        const k = pia.elements.slice(1).findIndex((e) => gtinTypes.has(e[1] ?? '') && e[0]);
        if (k >= 0) {
          gtin = pia.elements[k + 1]![0]!;
          sources[at('gtin')] = src(pia, k + 2, 1);
          break;
        }
      }
    }
    if (!gtin) report('noGtin', {}, lin, 3, 1);

    let quantity = '';
    const qty = g.find((s) => s.tag === 'QTY' && value(s, 1, 1) === '47');
    if (!qty) report('noQuantity', {}, lin);
    else {
      quantity = num(qty, 1, 2);
      sources[at('quantity')] = src(qty, 1, 2);
    }

    let lineInAlc = false;
    let tax: Segment | null = null;
    let hasAlc = false;
    for (const s of g) {
      if (s.tag === 'ALC') {
        lineInAlc = true;
        hasAlc = true;
        report('allowances', {}, s);
      } else if (s.tag === 'LIN' || s.tag === 'PRI') lineInAlc = false;
      else if (s.tag === 'TAX' && !lineInAlc && vatRate(s) && !tax) tax = s;
    }

    let unitPrice = '';
    const pri = g.find((s) => s.tag === 'PRI' && ['AAA', 'INV'].includes(value(s, 1, 1))) ?? (hasAlc ? undefined : g.find((s) => s.tag === 'PRI' && value(s, 1, 1) === 'AAB'));
    if (!pri) report('noPrice', {}, g.find((s) => s.tag === 'PRI') ?? lin);
    else {
      unitPrice = num(pri, 1, 2);
      sources[at('unitPrice')] = src(pri, 1, 2);
      const basis = value(pri, 1, 5);
      if (unitPrice && basis && basis !== '1') {
        const b = decimalValue(basis);
        const p = parseDecimal(unitPrice, 4);
        const bb = b === null ? null : parseDecimal(b, 4);
        if (bb === null || bb <= 0n) report('badNumber', { value: basis }, pri, 1, 5);
        else if (p !== null) {
          // price / basis, exact to 4 places or refused (money is never rounded silently).
          if ((p * 10000n) % bb !== 0n) report('priceBasis', { basis, price: `${unitPrice}/${basis}` }, pri, 1, 5);
          else unitPrice = format((p * 10000n) / bb, 4).replace(/\.?0+$/, '');
        }
      }
    }

    const taxSeg = tax ?? headerTax;
    let taxRate = '';
    if (!taxSeg) report('noTaxRate', {}, lin);
    else {
      taxRate = num(taxSeg, 5, 4);
      sources[at('taxRate')] = src(taxSeg, 5, 4);
    }

    let net = '';
    const moa = g.find((s) => s.tag === 'MOA' && value(s, 1, 1) === '203');
    if (moa) {
      net = num(moa, 1, 2);
      sources[at('lineNet')] = src(moa, 1, 2);
    } else {
      const q = parseDecimal(quantity, 4);
      const p = parseDecimal(unitPrice, 4);
      if (q !== null && p !== null) net = format(lineNet(q, p));
      sources[at('lineNet')] = src(lin);
    }

    let poLine: number | null = null;
    let order: string | undefined;
    const li = g.find((s) => s.tag === 'RFF' && value(s, 1, 1) === 'LI');
    const lineOn = g.find((s) => s.tag === 'RFF' && value(s, 1, 1) === 'ON');
    if (lineOn) order = value(lineOn, 1, 2) || undefined;
    const ref = li ? (value(li, 1, 3) || value(li, 1, 2)) : lineOn ? value(lineOn, 1, 3) : '';
    if (ref) {
      if (!/^\d{1,9}$/.test(ref)) report('badNumber', { value: ref }, li ?? lineOn!, 1, li && value(li, 1, 3) ? 3 : li ? 2 : 3);
      else poLine = Number(ref);
      sources[at('poLine')] = src((li ?? lineOn)!, 1, li && !value(li, 1, 3) ? 2 : 3);
    } else sources[at('poLine')] = src(lin);

    const imd = g.find((s) => s.tag === 'IMD');
    const description = imd ? value(imd, 3, 4) : '';
    lines.push({ poLine, order, gtin, description, quantity, unitPrice, taxRate, lineNet: net });
  });

  if (!purchaseOrder) {
    const orders = [...new Set(lines.map((l) => l.order).filter((o): o is string => !!o))];
    if (orders.length === 1) {
      purchaseOrder = orders[0]!;
      const g = groups[lines.findIndex((l) => l.order === purchaseOrder)]!;
      sources.purchaseOrder = src(g.find((s) => s.tag === 'RFF' && value(s, 1, 1) === 'ON')!, 1, 2);
    } else report('missingSegment', { what: term('invoices.edifact.what.orderNumberSegment') }, bgm ?? unh);
  }

  // Totals after UNS.
  const total = (name: 'netTotal' | 'taxTotal' | 'grossTotal', qualifiers: string[], what: Term): string => {
    for (const q of qualifiers) {
      const s = summary.find((x) => x.tag === 'MOA' && value(x, 1, 1) === q);
      if (s) {
        sources[name] = src(s, 1, 2);
        return num(s, 1, 2);
      }
    }
    report('missingSegment', { what }, uns >= 0 ? body[uns]! : unh);
    return '';
  };
  const netTotal = total('netTotal', ['79', '125'], term('invoices.edifact.what.netTotal'));
  const taxTotal = total('taxTotal', ['176', '150', '124'], term('invoices.edifact.what.taxTotal'));
  const grossTotal = total('grossTotal', ['77', '86'], term('invoices.edifact.what.grossTotal'));
  for (const s of summary) if (s.tag === 'ALC') report('allowances', {}, s);

  const mapped = {
    messageReference: message.reference,
    submission: { number, invoiceDate, dueDate, currency, paymentTerms, purchaseOrder, lines, netTotal, taxTotal, grossTotal },
    sources,
  };
  if (problems.length) return { ok: false, problems, partial: mapped };
  return { ok: true, value: mapped };
}
