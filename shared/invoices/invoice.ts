// What a supplier invoice is, how it is read from the database and what the ERP is told about
// it. A submission's problems are codes (`invoices.*`, worded by the i18n catalogues).
import type { Actor } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import { recordHash } from '../signatures/record-hash.ts';
import type { InvoiceState } from './invoice-states.ts';

/** Purchase orders in these states take no (more) invoices. */
export const closedPurchaseOrderStates = ['cancelled', 'closed'];

/** Active ISO 4217 currency codes (funds and precious metals left out). */
export const currencies = new Set(
  (
    'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK ' +
    'DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR ' +
    'KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB ' +
    'PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD ' +
    'TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

export interface InvoiceLine {
  lineNumber: number;
  poLineNumber: number;
  gtin: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  lineNet: string;
}

export interface InvoiceTaxSubtotal {
  rate: string;
  taxableAmount: string;
  taxAmount: string;
}

export interface Invoice {
  id: string;
  number: string;
  supplier: { organisationId: string; name: string; erpId: string | null };
  invoiceDate: string;
  dueDate: string;
  currency: string;
  paymentTerms: string;
  purchaseOrder: { id: string; poNumber: string };
  totals: { net: string; tax: string; gross: string };
  taxBreakdown: InvoiceTaxSubtotal[];
  state: InvoiceState;
  recordHash: string;
  submittedBy: { id: string; name: string };
  submittedAt: string;
}

export interface InvoiceRow {
  id: string;
  organisation_id: string;
  invoice_number: string;
  invoice_date: string;
  due_date: string;
  currency: string;
  payment_terms: string;
  purchase_order_id: string;
  net_total: string;
  tax_total: string;
  gross_total: string;
  tax_breakdown: string;
  state: InvoiceState;
  record_hash: string;
  submitted_by: string;
  submitted_at: string;
  po_number: string;
  supplier_name: string;
  supplier_erp_id: string | null;
  submitted_by_name: string;
}

/**
 * What an invoice's record hash covers (21 CFR 11.70): every field the supplier submitted, its
 * lines and the totals checked on submission. The state is not part of it.
 */
export function invoiceRecordHash(i: {
  id: string;
  organisationId: string;
  number: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  paymentTerms: string;
  purchaseOrderId: string;
  lines: InvoiceLine[];
  taxBreakdown: InvoiceTaxSubtotal[];
  totals: { net: string; tax: string; gross: string };
  submittedById: string;
  submittedAt: string;
}): string {
  return recordHash({
    kind: 'lotbridge/invoice/v1',
    invoice: i.id,
    supplier: i.organisationId,
    number: i.number,
    invoiceDate: i.invoiceDate,
    dueDate: i.dueDate,
    currency: i.currency,
    paymentTerms: i.paymentTerms,
    purchaseOrder: i.purchaseOrderId,
    lines: i.lines.map((l) => ({
      lineNumber: l.lineNumber,
      poLineNumber: l.poLineNumber,
      gtin: l.gtin,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      taxRate: l.taxRate,
      lineNet: l.lineNet,
    })),
    taxBreakdown: i.taxBreakdown.map((t) => ({ rate: t.rate, taxableAmount: t.taxableAmount, taxAmount: t.taxAmount })),
    totals: { net: i.totals.net, tax: i.totals.tax, gross: i.totals.gross },
    submittedBy: i.submittedById,
    submittedAt: i.submittedAt,
  });
}

/** An invoice with its supplier, purchase order and submitter; add WHERE/ORDER after it. */
export const invoiceSelect = `
  SELECT i.*, po.po_number, o.name AS supplier_name, o.erp_id AS supplier_erp_id, u.display_name AS submitted_by_name
    FROM invoices i
    JOIN purchase_orders po ON po.id = i.purchase_order_id
    JOIN organisations o ON o.id = i.organisation_id
    JOIN users u ON u.id = i.submitted_by`;

export function toInvoice(row: InvoiceRow): Invoice {
  return {
    id: row.id,
    number: row.invoice_number,
    supplier: { organisationId: row.organisation_id, name: row.supplier_name, erpId: row.supplier_erp_id },
    invoiceDate: row.invoice_date,
    dueDate: row.due_date,
    currency: row.currency,
    paymentTerms: row.payment_terms,
    purchaseOrder: { id: row.purchase_order_id, poNumber: row.po_number },
    totals: { net: row.net_total, tax: row.tax_total, gross: row.gross_total },
    taxBreakdown: JSON.parse(row.tax_breakdown) as InvoiceTaxSubtotal[],
    state: row.state,
    recordHash: row.record_hash,
    submittedBy: { id: row.submitted_by, name: row.submitted_by_name },
    submittedAt: row.submitted_at,
  };
}

/**
 * Who may see an invoice: the supplier that submitted it, and the manufacturer's staff. A SQL
 * condition over `i.` plus its arguments; null when the actor may see none.
 */
export function invoiceScope(actor: Actor): { sql: string; args: string[] } | null {
  if (actor.role === 'manufacturer_qa' || actor.role === 'manufacturer_admin') return { sql: '1 = 1', args: [] };
  if (actor.role === 'supplier_user') return ownedBy(actor, 'i.organisation_id');
  return null;
}

/** The `data` of invoice.* events (before the outbox adds `aggregate`). */
export function invoiceEventData(invoice: Invoice, lines: InvoiceLine[]): Record<string, unknown> {
  return {
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    state: invoice.state,
    supplier: invoice.supplier,
    purchaseOrder: invoice.purchaseOrder,
    invoiceDate: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    paymentTerms: invoice.paymentTerms,
    lines,
    taxBreakdown: invoice.taxBreakdown,
    totals: invoice.totals,
    recordHash: invoice.recordHash,
    submittedAt: invoice.submittedAt,
  };
}
