import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { asAuditActor } from '../auth/actor.ts';
import { submitInvoices } from './invoice-permissions.ts';
import { ownedBy } from '../auth/scope.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { translateProblem } from '../i18n/index.ts';
import { newId } from '../ids.ts';
import { format, formatPlain, fromInteger, invoiceTotals, lineNet, parseDecimal, type Decimal } from './money.ts';
import {
  closedPurchaseOrderStates,
  currencies,
  invoiceEventData,
  invoiceRecordHash,
  invoiceSelect,
  toInvoice,
  type Invoice,
  type InvoiceLine,
  type InvoiceRow,
} from './invoice.ts';

export interface InvoiceLineSubmission {
  /** The purchase order line invoiced (its line number). */
  poLine: string | number;
  gtin: string;
  description?: string;
  /** Decimal strings: money is never a float. */
  quantity: string;
  unitPrice: string;
  /** Percent, e.g. "13" or "7.5". */
  taxRate: string;
  /** quantity × unitPrice, rounded half-up to the cent. */
  lineNet: string;
}

export interface InvoiceSubmission {
  number: string;
  /** YYYY-MM-DD */
  invoiceDate: string;
  dueDate: string;
  /** ISO 4217, the purchase order's. */
  currency: string;
  paymentTerms?: string;
  /** The purchase order's number. */
  purchaseOrder: string;
  lines: InvoiceLineSubmission[];
  netTotal: string;
  taxTotal: string;
  grossTotal: string;
}

/** How the invoice came in, recorded in its audit entry (the invoices table has no source column). */
export interface InvoiceOrigin {
  source?: 'form' | 'edifact' | 'api';
  /** e.g. the interchange and message references of an EDIFACT upload. */
  detail?: Record<string, string>;
}

const limits = { number: 64, paymentTerms: 200, description: 200, lines: 500 };

function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

interface PoLine {
  line_number: number;
  gtin: string;
  quantity: number;
  unit_price: string;
  description: string | null;
}

interface CheckedLine {
  poLineNumber: number;
  gtin: string;
  description: string;
  quantity: Decimal;
  unitPrice: Decimal;
  taxRate: Decimal;
}

/**
 * Every problem of a submission at once, with field paths (`lines/0/quantity`), checked
 * against the database inside the write transaction (so two submissions cannot both take the
 * last quantity of a line). Returns the checked lines when there is no problem.
 */
async function validate(tx: Tx, actor: Actor, input: InvoiceSubmission, fields: Problems) {
  const number = text(input.number);
  // eslint-disable-next-line no-control-regex
  if (!number || /[\u0000-\u001f\u007f]/.test(number)) fields.number = problem('common.required');
  else if (number.length > limits.number) fields.number = problem('common.tooLong', { max: limits.number });
  else {
    const existing = await tx.get<{ id: string; invoice_number: string; submitted_at: string }>(
      'SELECT id, invoice_number, submitted_at FROM invoices WHERE organisation_id = ? AND invoice_number = ?',
      [actor.organisationId, number],
    );
    if (existing) fields.number = problem('invoices.duplicate', { number: existing.invoice_number, id: existing.id, date: existing.submitted_at.slice(0, 10) });
  }

  const invoiceDate = text(input.invoiceDate);
  const dueDate = text(input.dueDate);
  if (!invoiceDate) fields.invoiceDate = problem('common.required');
  else if (!isDate(invoiceDate)) fields.invoiceDate = problem('invoices.badDate');
  if (!dueDate) fields.dueDate = problem('common.required');
  else if (!isDate(dueDate)) fields.dueDate = problem('invoices.badDate');
  else if (!fields.invoiceDate && dueDate < invoiceDate) fields.dueDate = problem('invoices.dueBeforeInvoice', { date: invoiceDate });

  const currency = text(input.currency).toUpperCase();
  if (!currency) fields.currency = problem('common.required');
  else if (!currencies.has(currency)) fields.currency = problem('invoices.badCurrency');

  const paymentTerms = text(input.paymentTerms);
  if (paymentTerms.length > limits.paymentTerms) fields.paymentTerms = problem('common.tooLong', { max: limits.paymentTerms });

  // The purchase order: the caller's own, by its number; another supplier's is "not yours".
  const poNumber = text(input.purchaseOrder);
  let po: { id: string; po_number: string; currency: string; status: string } | undefined;
  if (!poNumber) fields.purchaseOrder = problem('common.required');
  else {
    const scope = ownedBy(actor, 'supplier_organisation_id');
    po = await tx.get(`SELECT id, po_number, currency, status FROM purchase_orders WHERE po_number = ? AND ${scope.sql}`, [poNumber, ...scope.args]);
    if (!po) fields.purchaseOrder = problem('invoices.unknownPurchaseOrder');
    else if (closedPurchaseOrderStates.includes(po.status)) fields.purchaseOrder = problem('invoices.closedPurchaseOrder', { status: po.status });
    else if (!fields.currency && currency !== po.currency) fields.currency = problem('invoices.currencyDiffers', { currency: po.currency });
  }

  const poLines = new Map<number, PoLine>();
  const invoiced = new Map<number, Decimal>();
  if (po) {
    for (const l of await tx.all<PoLine>(
      `SELECT l.line_number, l.gtin, l.quantity, l.unit_price, it.description
         FROM purchase_order_lines l LEFT JOIN items it ON it.gtin = l.gtin
        WHERE l.purchase_order_id = ?`,
      [po.id],
    )) {
      poLines.set(l.line_number, l);
    }
    for (const r of await tx.all<{ po_line_number: number; quantity: string }>(
      'SELECT il.po_line_number, il.quantity FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id WHERE i.purchase_order_id = ?',
      [po.id],
    )) {
      invoiced.set(r.po_line_number, (invoiced.get(r.po_line_number) ?? 0n) + (parseDecimal(r.quantity) ?? 0n));
    }
  }

  const lines = Array.isArray(input.lines) ? input.lines : [];
  if (lines.length === 0) fields.lines = problem('invoices.noLines');
  else if (lines.length > limits.lines) fields.lines = problem('invoices.tooManyLines', { max: limits.lines });

  const checked: (CheckedLine | null)[] = [];
  const inThisInvoice = new Map<number, Decimal>();
  lines.slice(0, limits.lines).forEach((line, i) => {
    const at = (name: string) => `lines/${i}/${name}`;

    const poLineText = text(line?.poLine);
    const poLineNumber = /^\d{1,9}$/.test(poLineText) ? Number(poLineText) : NaN;
    let poLine: PoLine | undefined;
    if (!poLineText) fields[at('poLine')] = problem('common.required');
    else if (po) {
      poLine = poLines.get(poLineNumber);
      if (!poLine) fields[at('poLine')] = problem('invoices.unknownPoLine', { po: po.po_number });
    }

    const gtin = text(line?.gtin);
    if (!gtin) fields[at('gtin')] = problem('common.required');
    else if (poLine && (!isValidGtin(gtin) || toGtin14(gtin) !== poLine.gtin)) fields[at('gtin')] = problem('invoices.gtinDiffers', { gtin: poLine.gtin });

    const description = text(line?.description);
    if (description.length > limits.description) fields[at('description')] = problem('common.tooLong', { max: limits.description });

    const quantityText = text(line?.quantity);
    const quantity = parseDecimal(quantityText, 4);
    if (!quantityText) fields[at('quantity')] = problem('common.required');
    else if (quantity === null || quantity <= 0n) fields[at('quantity')] = problem('invoices.badQuantity');
    else if (poLine) {
      const ordered = fromInteger(poLine.quantity);
      const already = invoiced.get(poLine.line_number) ?? 0n;
      const here = (inThisInvoice.get(poLine.line_number) ?? 0n) + quantity;
      inThisInvoice.set(poLine.line_number, here);
      if (already + here > ordered) {
        const left = ordered - already - (here - quantity);
        fields[at('quantity')] = problem('invoices.overInvoiced', { left: formatPlain(left > 0n ? left : 0n), ordered: poLine.quantity, invoiced: formatPlain(already) });
      }
    }

    const priceText = text(line?.unitPrice);
    const unitPrice = parseDecimal(priceText, 4);
    if (!priceText) fields[at('unitPrice')] = problem('common.required');
    else if (unitPrice === null || unitPrice < 0n) fields[at('unitPrice')] = problem('invoices.badAmount', { places: 4 });
    else if (poLine && parseDecimal(poLine.unit_price) !== unitPrice) fields[at('unitPrice')] = problem('invoices.priceDiffers', { invoiced: priceText, ordered: poLine.unit_price });

    const rateText = text(line?.taxRate);
    const taxRate = parseDecimal(rateText, 2);
    if (!rateText) fields[at('taxRate')] = problem('common.required');
    else if (taxRate === null || taxRate < 0n || taxRate > fromInteger(100)) fields[at('taxRate')] = problem('invoices.badTaxRate');

    const netText = text(line?.lineNet);
    const net = parseDecimal(netText, 2);
    if (!netText) fields[at('lineNet')] = problem('common.required');
    else if (net === null) fields[at('lineNet')] = problem('invoices.badAmount', { places: 2 });
    else if (quantity !== null && quantity > 0n && unitPrice !== null && unitPrice >= 0n) {
      const expected = lineNet(quantity, unitPrice);
      if (expected !== net) fields[at('lineNet')] = problem('invoices.lineNetDiffers', { given: netText, expected: format(expected) });
    }

    const computable = quantity !== null && quantity > 0n && unitPrice !== null && unitPrice >= 0n && taxRate !== null && !fields[at('taxRate')];
    checked.push(
      computable
        ? { poLineNumber, gtin: poLine?.gtin ?? gtin, description: description || poLine?.description || '', quantity, unitPrice, taxRate }
        : null,
    );
  });

  // Totals: against what the lines add up to when every line can be computed, else at least gross = net + tax.
  const amount = (name: 'netTotal' | 'taxTotal' | 'grossTotal') => {
    const t = text(input[name]);
    if (!t) fields[name] = problem('common.required');
    else {
      const v = parseDecimal(t, 2);
      if (v === null) fields[name] = problem('invoices.badAmount', { places: 2 });
      return { text: t, value: v };
    }
    return { text: t, value: null };
  };
  const given = { net: amount('netTotal'), tax: amount('taxTotal'), gross: amount('grossTotal') };
  const all = checked.length > 0 && checked.every((c): c is CheckedLine => c !== null) ? (checked as CheckedLine[]) : null;
  const totals = all ? invoiceTotals(all) : null;
  if (totals) {
    if (given.net.value !== null && given.net.value !== totals.net) fields.netTotal = problem('invoices.totalDiffers', { given: given.net.text, expected: format(totals.net) });
    if (given.tax.value !== null && given.tax.value !== totals.tax) fields.taxTotal = problem('invoices.taxDiffers', { given: given.tax.text, expected: format(totals.tax) });
    if (given.gross.value !== null && given.gross.value !== totals.gross) fields.grossTotal = problem('invoices.grossDiffers', { given: given.gross.text, expected: format(totals.gross) });
  } else if (given.net.value !== null && given.tax.value !== null && given.gross.value !== null && given.gross.value !== given.net.value + given.tax.value) {
    fields.grossTotal = problem('invoices.grossDiffers', { given: given.gross.text, expected: format(given.net.value + given.tax.value) });
  }

  return { number, invoiceDate, dueDate, currency, paymentTerms, po, lines: all, totals };
}

/**
 * A supplier user submits an invoice against one of its organisation's purchase orders. Every
 * problem is reported at once, each under its field path: header (number unique for the
 * supplier, dates, currency = the order's), the order (the caller's own, open), each line (an
 * order line with its GTIN, the order's unit price, no more than is left to invoice, line net
 * = quantity × price) and the totals (net, tax per rate, gross) to the cent. A valid invoice
 * is stored with its lines, its record hash, an audit entry and an `invoice.submitted` event
 * for the ERP, in one transaction.
 */
/**
 * Every field problem of a submission, without storing anything: for an INVOIC whose mapping
 * already found problems (a missing due date), so its APERAK also names the rest (totals).
 */
export async function invoiceSubmissionProblems(ctx: UseCaseContext, actor: Actor, input: InvoiceSubmission): Promise<Problems> {
  submitInvoices.require(actor);
  return ctx.db.transaction(async (tx) => {
    const fields: Problems = {};
    await validate(tx, actor, input, fields);
    return fields;
  });
}

export async function submitInvoice(ctx: UseCaseContext, actor: Actor, input: InvoiceSubmission, origin: InvoiceOrigin = {}): Promise<Invoice> {
  submitInvoices.require(actor);
  return ctx.db.transaction(async (tx) => {
    const fields: Problems = {};
    const v = await validate(tx, actor, input, fields);
    if (Object.keys(fields).length > 0 || !v.po || !v.lines || !v.totals) {
      const summary = Object.entries(fields)
        .map(([k, p]) => `${k}: ${translateProblem('en', p)}`)
        .join('; ');
      throw refusal('invalid_input', `the invoice was not submitted: ${summary}`, fields);
    }
    const { totals } = v;
    const id = newId('inv');
    const submittedAt = ctx.clock.now().toISOString();
    const lines: InvoiceLine[] = v.lines.map((l, i) => ({
      lineNumber: i + 1,
      poLineNumber: l.poLineNumber,
      gtin: l.gtin,
      description: l.description,
      quantity: formatPlain(l.quantity),
      unitPrice: formatPlain(l.unitPrice),
      taxRate: formatPlain(l.taxRate),
      lineNet: format(totals.lines[i]!),
    }));
    const taxBreakdown = totals.taxes.map((t) => ({ rate: formatPlain(t.rate), taxableAmount: format(t.taxable), taxAmount: format(t.tax) }));
    const sums = { net: format(totals.net), tax: format(totals.tax), gross: format(totals.gross) };
    const hash = invoiceRecordHash({
      id,
      organisationId: actor.organisationId,
      number: v.number,
      invoiceDate: v.invoiceDate,
      dueDate: v.dueDate,
      currency: v.currency,
      paymentTerms: v.paymentTerms,
      purchaseOrderId: v.po.id,
      lines,
      taxBreakdown,
      totals: sums,
      submittedById: actor.userId,
      submittedAt,
    });
    await tx.run(
      `INSERT INTO invoices (id, organisation_id, invoice_number, invoice_date, due_date, currency, payment_terms, purchase_order_id,
                             net_total, tax_total, gross_total, tax_breakdown, state, record_hash, submitted_by, submitted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?)`,
      [id, actor.organisationId, v.number, v.invoiceDate, v.dueDate, v.currency, v.paymentTerms, v.po.id, sums.net, sums.tax, sums.gross, JSON.stringify(taxBreakdown), hash, actor.userId, submittedAt],
    );
    for (const l of lines) {
      await tx.run(
        `INSERT INTO invoice_lines (invoice_id, line_number, po_line_number, gtin, description, quantity, unit_price, tax_rate, line_net)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, l.lineNumber, l.poLineNumber, l.gtin, l.description, l.quantity, l.unitPrice, l.taxRate, l.lineNet],
      );
    }
    const invoice = toInvoice((await tx.get<InvoiceRow>(`${invoiceSelect} WHERE i.id = ?`, [id]))!);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'invoice.submitted',
      entityType: 'invoice',
      entityId: id,
      newValues: {
        state: 'submitted',
        number: v.number,
        purchaseOrder: v.po.po_number,
        invoiceDate: v.invoiceDate,
        dueDate: v.dueDate,
        currency: v.currency,
        lines: lines.length,
        totals: sums,
        recordHash: hash,
        ...(origin.source ? { source: origin.source } : {}),
        ...(origin.detail ? { sourceDetail: origin.detail } : {}),
      },
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'invoice.submitted',
      aggregateType: 'invoice',
      aggregateId: id,
      organisationId: actor.organisationId,
      data: invoiceEventData(invoice, lines),
    });
    return invoice;
  });
}
