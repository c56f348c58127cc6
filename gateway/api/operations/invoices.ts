// /api/v1/invoices: a supplier submits an invoice against its purchase order (the same use case,
// checks and `invoice.submitted` event as the portal's form and an EDIFACT INVOIC), lists its
// invoices with the portal's filters and sorts a keyset page at a time, and reads one with the
// ERP's status timeline.
import type { ApiOperation } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { decodeCursor, encodeCursor, listOf, listQuery } from '../list.ts';
import { submitInvoice, type InvoiceSubmission } from '../../../shared/invoices/submit-invoice.ts';
import { listInvoicesAfter, type InvoiceListItem, type InvoiceQuery } from '../../../shared/invoices/list-invoices.ts';
import { getInvoice, type InvoiceDetail } from '../../../shared/invoices/get-invoice.ts';
import { erpInvoiceStatuses, invoiceStates } from '../../../shared/invoices/invoice-states.ts';
import type { UseCaseContext } from '../../../shared/context.ts';
import type { Actor } from '../../../shared/auth/actor.ts';

/** Money and quantities are decimal strings, never numbers. */
const decimal = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', examples: ['38.50'] };
const date = { type: 'string', format: 'date', examples: ['2026-03-20'] };
const dateTime = { type: 'string', format: 'date-time' };

export const InvoiceLineInputSchema = apiSchema('InvoiceLineInput', {
  type: 'object',
  description: 'One invoiced line: a line of the purchase order, at its GTIN and unit price. Amounts are decimal strings.',
  required: ['poLine', 'gtin', 'quantity', 'unitPrice', 'taxRate', 'lineNet'],
  additionalProperties: false,
  properties: {
    poLine: { type: 'integer', minimum: 1, description: 'The purchase order line invoiced (its line number).' },
    gtin: { type: 'string', description: "The line's GTIN (8, 12, 13 or 14 digits): the one ordered on the line." },
    description: { type: 'string', description: "Defaults to the item's name." },
    quantity: { type: 'string', description: 'Decimal, up to 4 places; no more than is left to invoice on the line.', examples: ['10'] },
    unitPrice: { type: 'string', description: "Decimal, up to 4 places: the order line's unit price.", examples: ['3.85'] },
    taxRate: { type: 'string', description: 'Percent, up to 2 places.', examples: ['13'] },
    lineNet: { type: 'string', description: 'quantity × unitPrice, rounded half-up to the cent.', examples: ['38.50'] },
  },
});

export const InvoiceInputSchema = apiSchema('InvoiceInput', {
  type: 'object',
  description:
    'An invoice against one of your purchase orders, as the portal\'s invoice form takes it. Every problem is answered at once, each with a pointer into this body (e.g. /lines/0/quantity).',
  required: ['number', 'invoiceDate', 'dueDate', 'currency', 'purchaseOrder', 'lines', 'netTotal', 'taxTotal', 'grossTotal'],
  additionalProperties: false,
  properties: {
    number: { type: 'string', description: 'Your invoice number: unique among your invoices, at most 64 characters.' },
    invoiceDate: { type: 'string', description: 'YYYY-MM-DD' },
    dueDate: { type: 'string', description: 'YYYY-MM-DD, not before the invoice date.' },
    currency: { type: 'string', description: "ISO 4217: the purchase order's currency." },
    paymentTerms: { type: 'string' },
    purchaseOrder: { type: 'string', description: 'The purchase order number (`poNumber` of GET /orders): one of yours, open.' },
    lines: { type: 'array', items: InvoiceLineInputSchema, description: 'At least one line, at most 500.' },
    netTotal: { type: 'string', description: 'The sum of the line nets.' },
    taxTotal: { type: 'string', description: 'The tax per rate, rounded half-up to the cent, added up.' },
    grossTotal: { type: 'string', description: 'netTotal + taxTotal.' },
  },
});

export const InvoiceErpStatusSchema = apiSchema('InvoiceErpStatus', {
  type: 'object',
  description: "One status report of the manufacturer's ERP (accounts payable) on the invoice.",
  required: ['status', 'reason', 'paidOn', 'occurredAt', 'receivedAt'],
  additionalProperties: false,
  properties: {
    status: { enum: [...erpInvoiceStatuses] },
    reason: { type: ['string', 'null'], description: 'Why, for `disputed` in particular.' },
    paidOn: { oneOf: [date, { type: 'null' }] },
    occurredAt: { ...dateTime, description: 'When the ERP says it happened.' },
    receivedAt: { ...dateTime, description: 'When Lotbridge received the report.' },
  },
});

const purchaseOrder = { type: 'object', required: ['id', 'poNumber'], additionalProperties: false, properties: { id: { type: 'string' }, poNumber: { type: 'string' } } };

const totals = {
  type: 'object',
  required: ['net', 'tax', 'gross'],
  additionalProperties: false,
  properties: { net: decimal, tax: decimal, gross: decimal },
};

export const InvoiceSchema = apiSchema('Invoice', {
  type: 'object',
  description: 'A submitted invoice: a record, never changed; the ERP reports its status as it goes (`erpStatuses`).',
  required: ['id', 'number', 'invoiceDate', 'dueDate', 'currency', 'paymentTerms', 'purchaseOrder', 'lines', 'taxBreakdown', 'totals', 'state', 'submittedAt', 'submittedBy', 'erpStatus', 'erpStatuses'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    number: { type: 'string' },
    invoiceDate: date,
    dueDate: date,
    currency: { type: 'string', description: 'ISO 4217: every amount of the invoice is in it.' },
    paymentTerms: { type: 'string' },
    purchaseOrder,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['lineNumber', 'poLine', 'gtin', 'description', 'quantity', 'unitPrice', 'taxRate', 'lineNet'],
        additionalProperties: false,
        properties: {
          lineNumber: { type: 'integer' },
          poLine: { type: 'integer' },
          gtin: { type: 'string', description: 'GTIN-14' },
          description: { type: 'string' },
          quantity: decimal,
          unitPrice: decimal,
          taxRate: decimal,
          lineNet: decimal,
        },
      },
    },
    taxBreakdown: {
      type: 'array',
      items: { type: 'object', required: ['rate', 'taxableAmount', 'taxAmount'], additionalProperties: false, properties: { rate: decimal, taxableAmount: decimal, taxAmount: decimal } },
    },
    totals,
    state: { enum: [...invoiceStates] },
    submittedAt: dateTime,
    submittedBy: { type: 'string', description: 'The user (or API key) that submitted it.' },
    erpStatus: { oneOf: [InvoiceErpStatusSchema, { type: 'null' }], description: 'The newest of `erpStatuses` (ERP time, then arrival), or null before the first.' },
    erpStatuses: { type: 'array', items: InvoiceErpStatusSchema, description: 'Every status the ERP reported, oldest first.' },
  },
});

export const InvoiceSummarySchema = apiSchema('InvoiceSummary', {
  type: 'object',
  description: 'An invoice as the list shows it.',
  required: ['id', 'number', 'invoiceDate', 'dueDate', 'currency', 'grossTotal', 'purchaseOrder', 'state', 'submittedAt', 'erpStatus'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    number: { type: 'string' },
    invoiceDate: date,
    dueDate: date,
    currency: { type: 'string' },
    grossTotal: decimal,
    purchaseOrder,
    state: { enum: [...invoiceStates] },
    submittedAt: dateTime,
    erpStatus: { oneOf: [InvoiceErpStatusSchema, { type: 'null' }] },
  },
});

/** The API's sort names (the answer's field names) for the portal list's sorts. */
const sorts = { submittedAt: 'submitted', invoiceDate: 'invoice_date', dueDate: 'due_date', number: 'number' } as const satisfies Record<string, InvoiceQuery['sort']>;

function invoiceBody(d: InvoiceDetail) {
  const { invoice: i } = d;
  return {
    id: i.id,
    number: i.number,
    invoiceDate: i.invoiceDate,
    dueDate: i.dueDate,
    currency: i.currency,
    paymentTerms: i.paymentTerms,
    purchaseOrder: { id: i.purchaseOrder.id, poNumber: i.purchaseOrder.poNumber },
    lines: d.lines.map((l) => ({ lineNumber: l.lineNumber, poLine: l.poLineNumber, gtin: l.gtin, description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, taxRate: l.taxRate, lineNet: l.lineNet })),
    taxBreakdown: i.taxBreakdown.map((t) => ({ rate: t.rate, taxableAmount: t.taxableAmount, taxAmount: t.taxAmount })),
    totals: i.totals,
    state: i.state,
    submittedAt: i.submittedAt,
    submittedBy: i.submittedBy.name,
    erpStatus: d.currentStatus,
    erpStatuses: d.statuses,
  };
}

function summaryBody(i: InvoiceListItem) {
  return {
    id: i.id,
    number: i.number,
    invoiceDate: i.invoiceDate,
    dueDate: i.dueDate,
    currency: i.currency,
    grossTotal: i.grossTotal,
    purchaseOrder: { id: i.purchaseOrderId, poNumber: i.poNumber },
    state: i.state,
    submittedAt: i.submittedAt,
    erpStatus: i.erpStatus,
  };
}

const readInvoice = async (ctx: UseCaseContext, actor: Actor, id: string) => invoiceBody(await getInvoice(ctx, actor, id));

const inputExample = {
  number: 'SPC-2026-0042',
  invoiceDate: '2026-03-20',
  dueDate: '2026-04-19',
  currency: 'EUR',
  paymentTerms: '30 days net',
  purchaseOrder: 'PO-2026-0117',
  lines: [
    { poLine: 10, gtin: '09506000134352', quantity: '10', unitPrice: '3.85', taxRate: '13', lineNet: '38.50' },
    { poLine: 20, gtin: '09506000134369', quantity: '3', unitPrice: '1.2345', taxRate: '13', lineNet: '3.70' },
  ],
  netTotal: '42.20',
  taxTotal: '5.49',
  grossTotal: '47.69',
};

const example = {
  id: 'inv_mz4c2rd7xq',
  number: 'SPC-2026-0042',
  invoiceDate: '2026-03-20',
  dueDate: '2026-04-19',
  currency: 'EUR',
  paymentTerms: '30 days net',
  purchaseOrder: { id: 'po_b3kq7yv2m5', poNumber: 'PO-2026-0117' },
  lines: [
    { lineNumber: 1, poLine: 10, gtin: '09506000134352', description: 'Luer lock syringe 10 ml', quantity: '10', unitPrice: '3.85', taxRate: '13', lineNet: '38.50' },
    { lineNumber: 2, poLine: 20, gtin: '09506000134369', description: 'Needle 21G', quantity: '3', unitPrice: '1.2345', taxRate: '13', lineNet: '3.70' },
  ],
  taxBreakdown: [{ rate: '13', taxableAmount: '42.20', taxAmount: '5.49' }],
  totals: { net: '42.20', tax: '5.49', gross: '47.69' },
  state: 'submitted',
  submittedAt: '2026-03-20T08:15:02.114Z',
  submittedBy: 'ERP export (API key)',
  erpStatus: { status: 'approved', reason: null, paidOn: null, occurredAt: '2026-03-22T10:00:00.000Z', receivedAt: '2026-03-22T10:00:01.530Z' },
  erpStatuses: [
    { status: 'received', reason: null, paidOn: null, occurredAt: '2026-03-20T09:00:00.000Z', receivedAt: '2026-03-20T09:00:00.870Z' },
    { status: 'approved', reason: null, paidOn: null, occurredAt: '2026-03-22T10:00:00.000Z', receivedAt: '2026-03-22T10:00:01.530Z' },
  ],
};

export const invoicesOperations: ApiOperation[] = [
  {
    operationId: 'submitInvoice',
    method: 'post',
    path: '/invoices',
    tags: ['Invoices'],
    summary: 'Submit an invoice against one of your purchase orders',
    description:
      'Checked exactly as the portal\'s invoice form and an EDIFACT INVOIC are: the number unique among yours, the dates, the order\'s currency, each line against its order line (GTIN, unit price, no more than is left to invoice, line net) and the totals to the cent. A valid invoice is stored with an audit entry and announced to the ERP (`invoice.submitted`).',
    scope: 'invoices:write',
    body: { json: InvoiceInputSchema, example: inputExample },
    responses: { 201: { description: 'The invoice as stored.', schema: InvoiceSchema, example: { ...example, erpStatus: null, erpStatuses: [] } } },
    async handle({ caller, ctx, body }) {
      const invoice = await submitInvoice(ctx, caller.actor, body as InvoiceSubmission, { source: 'api' });
      return { status: 201, body: await readInvoice(ctx, caller.actor, invoice.id), headers: { Location: `/api/v1/invoices/${encodeURIComponent(invoice.id)}` } };
    },
  },
  {
    operationId: 'listInvoices',
    method: 'get',
    path: '/invoices',
    tags: ['Invoices'],
    summary: 'Your invoices, with the ERP\'s latest status',
    description: 'Filtered and sorted as the portal\'s invoice list; newest first unless asked otherwise.',
    scope: 'invoices:read',
    query: listQuery({
      sorts: ['submittedAt', 'invoiceDate', 'dueDate', 'number'],
      defaultOrder: 'desc',
      filters: {
        state: { enum: [...invoiceStates] },
        erpStatus: { enum: ['none', ...erpInvoiceStatuses], description: "The ERP's latest status; `none`: not reported on yet." },
      },
    }),
    responses: { 200: { description: 'A page of invoices.', schema: listOf(InvoiceSummarySchema) } },
    async handle({ caller, ctx, query }) {
      const q = query as { cursor?: string; limit?: number; sort?: keyof typeof sorts; order?: 'asc' | 'desc'; state?: string; erpStatus?: string };
      const at = q.cursor ? decodeCursor(q.cursor) : null;
      const list = await listInvoicesAfter(ctx, caller.actor, {
        state: q.state,
        erpStatus: q.erpStatus,
        sort: sorts[q.sort ?? 'submittedAt'],
        order: q.order ?? 'desc',
        after: at && { key: String(at.k), id: at.id },
        limit: q.limit ?? 50,
      });
      return { status: 200, body: { items: list.items.map(summaryBody), nextCursor: list.next && encodeCursor({ k: list.next.key, id: list.next.id }) } };
    },
  },
  {
    operationId: 'getInvoice',
    method: 'get',
    path: '/invoices/{invoiceId}',
    tags: ['Invoices'],
    summary: 'One of your invoices, with its lines and every status the ERP reported',
    scope: 'invoices:read',
    responses: { 200: { description: 'The invoice.', schema: InvoiceSchema, example } },
    async handle({ caller, ctx, params }) {
      return { status: 200, body: await readInvoice(ctx, caller.actor, params.invoiceId!) };
    },
  },
];
