// /api/v1/orders: a supplier's own purchase orders (the ERP's, as the portal shows them): the
// list with the portal's state filter a keyset page at a time, one order with its lines (lots
// delivered and quantities invoiced against each) and answers, and the supplier's answer to an
// order (accept, reject, change), through the same use case as the portal's order page and
// EDI ORDRSP.
import type { ApiOperation } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { decodeCursor, encodeCursor, listOf, listQuery } from '../list.ts';
import { listPurchaseOrdersAfter, type OrderListItem } from '../../../shared/orders/list-purchase-orders.ts';
import { getPurchaseOrder, type OrderDetail } from '../../../shared/orders/get-purchase-order.ts';
import { respondToPurchaseOrder, type ResponseLineInput } from '../../../shared/orders/respond-to-purchase-order.ts';
import { orderStates, responseStatuses } from '../../../shared/orders/order-states.ts';
import { problem, refusal } from '../../../shared/errors.ts';
import { inRequestShape } from '../problems.ts';

const decimal = { type: 'string', pattern: '^\\d+(\\.\\d+)?$' };
const date = { type: 'string', format: 'date' };
const nullableDate = { type: ['string', 'null'], format: 'date' };
const dateTime = { type: 'string', format: 'date-time' };

const answerLine = {
  type: 'object',
  required: ['lineNumber', 'gtin', 'status', 'quantity', 'deliveryDate'],
  additionalProperties: false,
  properties: {
    lineNumber: { type: 'integer' },
    gtin: { type: 'string' },
    status: { enum: [...responseStatuses] },
    quantity: { type: ['string', 'null'], description: 'The quantity you will deliver (decimal), or null when not given.' },
    deliveryDate: { ...nullableDate, description: 'When you will deliver, or null when not given.' },
  },
};

export const PurchaseOrderAnswerSchema = apiSchema('PurchaseOrderAnswer', {
  type: 'object',
  description: "The supplier's answer to a purchase order, from the portal, the REST API or EDI ORDRSP.",
  required: ['id', 'responseNumber', 'status', 'source', 'version', 'note', 'lines', 'receivedAt', 'receivedBy'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    responseNumber: { type: 'string' },
    status: { enum: [...responseStatuses] },
    source: { enum: ['portal', 'api', 'edifact'] },
    version: { type: ['integer', 'null'], description: 'The order version answered.' },
    note: { type: ['string', 'null'] },
    lines: { type: 'array', items: answerLine },
    receivedAt: dateTime,
    receivedBy: { type: 'string', description: 'The user (or API key) that answered.' },
  },
});

export const PurchaseOrderSchema = apiSchema('PurchaseOrder', {
  type: 'object',
  description: 'One of your purchase orders, as the ERP sent it, with what was delivered (lots) and invoiced on each line, and your answers.',
  required: ['id', 'poNumber', 'orderDate', 'version', 'currency', 'erpStatus', 'state', 'lines', 'answers'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    poNumber: { type: 'string' },
    orderDate: date,
    version: { type: 'integer', description: 'Raised by the ERP on each change; a changed order is to confirm again.' },
    currency: { type: 'string', description: 'ISO 4217: the unit prices are in it.' },
    erpStatus: { type: 'string', description: "The ERP's status of the order (open, cancelled, closed…)." },
    state: { enum: [...orderStates], description: 'Where the order stands for you: toConfirm, rejected, toInvoice, confirmed or closed.' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['lineNumber', 'gtin', 'itemName', 'quantity', 'unitPrice', 'deliveryDate', 'lots', 'delivered', 'invoiced'],
        additionalProperties: false,
        properties: {
          lineNumber: { type: 'integer' },
          gtin: { type: 'string', description: 'GTIN-14' },
          itemName: { type: 'string' },
          quantity: { type: 'integer' },
          unitPrice: decimal,
          deliveryDate: nullableDate,
          lots: {
            type: 'array',
            description: 'The lots submitted against the line.',
            items: { type: 'object', required: ['id', 'lot', 'quantity'], additionalProperties: false, properties: { id: { type: 'string' }, lot: { type: 'string' }, quantity: { type: 'integer' } } },
          },
          delivered: { type: 'integer', description: 'The quantity of those lots.' },
          invoiced: { ...decimal, description: 'The quantity on submitted invoices.' },
        },
      },
    },
    answers: { type: 'array', items: PurchaseOrderAnswerSchema, description: 'Your answers, newest first.' },
  },
});

export const PurchaseOrderSummarySchema = apiSchema('PurchaseOrderSummary', {
  type: 'object',
  required: ['id', 'poNumber', 'orderDate', 'version', 'currency', 'state', 'lineCount', 'deliveryDate'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    poNumber: { type: 'string' },
    orderDate: date,
    version: { type: 'integer' },
    currency: { type: 'string' },
    state: { enum: [...orderStates] },
    lineCount: { type: 'integer' },
    deliveryDate: { ...nullableDate, description: 'The earliest delivery date asked for on its lines.' },
  },
});

export const PurchaseOrderAnswerInputSchema = apiSchema('PurchaseOrderAnswerInput', {
  type: 'object',
  description:
    'Your answer, as on the portal\'s order page: `accept` takes every line as ordered, `reject` rejects the order, `change` takes the lines given (a line with another quantity or date than ordered is changed; lines not given are accepted as ordered).',
  required: ['answer'],
  additionalProperties: false,
  properties: {
    answer: { enum: ['accept', 'reject', 'change'] },
    lines: {
      type: 'array',
      description: 'With `change` (and only then): the lines you answer otherwise than as ordered.',
      items: {
        type: 'object',
        required: ['lineNumber'],
        additionalProperties: false,
        properties: {
          lineNumber: { type: 'integer', minimum: 1 },
          status: { enum: [...responseStatuses], description: 'Default accepted; an accepted line with another quantity or date than ordered is changed.' },
          quantity: { type: 'string', description: 'The quantity you will deliver (decimal).' },
          deliveryDate: { type: 'string', description: 'YYYY-MM-DD' },
        },
      },
    },
    note: { type: 'string', description: 'At most 2,000 characters.' },
    responseNumber: { type: 'string', maxLength: 35, description: 'Your own number for the answer; default <PO number>-R<n>. Recorded once.' },
  },
});

function answerBody(r: OrderDetail['responses'][number]) {
  return { id: r.id, responseNumber: r.responseNumber, status: r.status, source: r.source, version: r.version, note: r.note, lines: r.lines, receivedAt: r.receivedAt, receivedBy: r.by };
}

function orderBody(d: OrderDetail) {
  const o = d.order;
  return {
    id: o.id,
    poNumber: o.poNumber,
    orderDate: o.orderDate,
    version: o.version,
    currency: o.currency,
    erpStatus: o.erpStatus,
    state: o.state,
    lines: d.lines.map((l) => ({ ...l, lots: l.lots.map((x) => ({ id: x.id, lot: x.lot, quantity: x.quantity })) })),
    answers: d.responses.map(answerBody),
  };
}

function summaryBody(o: OrderListItem) {
  return { id: o.id, poNumber: o.poNumber, orderDate: o.orderDate, version: o.version, currency: o.currency, state: o.state, lineCount: o.lines, deliveryDate: o.deliveryDate };
}

export const ordersOperations: ApiOperation[] = [
  {
    operationId: 'listOrders',
    method: 'get',
    path: '/orders',
    tags: ['Orders'],
    summary: 'Your purchase orders',
    description: "Filtered by state as the portal's order list; newest order date first unless asked otherwise.",
    scope: 'orders:read',
    query: listQuery({ sorts: ['orderDate'], defaultOrder: 'desc', filters: { state: { enum: [...orderStates] } } }),
    responses: { 200: { description: 'A page of purchase orders.', schema: listOf(PurchaseOrderSummarySchema) } },
    async handle({ caller, ctx, query }) {
      const q = query as { cursor?: string; limit?: number; order?: 'asc' | 'desc'; state?: string };
      const at = q.cursor ? decodeCursor(q.cursor) : null;
      const list = await listPurchaseOrdersAfter(ctx, caller.actor, { state: q.state, order: q.order ?? 'desc', after: at && { key: String(at.k), id: at.id }, limit: q.limit ?? 50 });
      return { status: 200, body: { items: list.items.map(summaryBody), nextCursor: list.next && encodeCursor({ k: list.next.key, id: list.next.id }) } };
    },
  },
  {
    operationId: 'getOrder',
    method: 'get',
    path: '/orders/{orderId}',
    tags: ['Orders'],
    summary: 'One of your purchase orders, with its lines, lots, invoiced quantities and your answers',
    scope: 'orders:read',
    responses: { 200: { description: 'The purchase order.', schema: PurchaseOrderSchema } },
    async handle({ caller, ctx, params }) {
      return { status: 200, body: orderBody(await getPurchaseOrder(ctx, caller.actor, params.orderId!)) };
    },
  },
  {
    operationId: 'answerOrder',
    method: 'post',
    path: '/orders/{orderId}/response',
    tags: ['Orders'],
    summary: 'Answer one of your purchase orders: accept, reject or change it',
    description:
      'The same answer as on the portal\'s order page or by EDI ORDRSP, checked alike (an open order of yours, lines of it, quantities and dates), recorded with an audit entry and announced to the ERP (`purchase_order.responded`, source `api`).',
    scope: 'orders:write',
    body: { json: PurchaseOrderAnswerInputSchema, example: { answer: 'change', lines: [{ lineNumber: 20, quantity: '150', deliveryDate: '2026-04-10' }], note: 'Line 20: 150 now, the rest in May.' } },
    responses: { 201: { description: 'The answer as recorded.', schema: PurchaseOrderAnswerSchema } },
    async handle({ caller, ctx, params, body }) {
      const input = body as { answer: 'accept' | 'reject' | 'change'; lines?: { lineNumber: number; status?: string; quantity?: string; deliveryDate?: string }[]; note?: string; responseNumber?: string };
      const order = await getPurchaseOrder(ctx, caller.actor, params.orderId!);
      if (input.answer !== 'change' && input.lines?.length) throw refusal('invalid_input', 'lines are answered with "change" only', { lines: problem('orders.linesOnlyWithChange') });
      const given = input.answer === 'change' ? (input.lines ?? []) : [];
      const ordered = (l: OrderDetail['lines'][number]) => ({ quantity: String(l.quantity), deliveryDate: l.deliveryDate ?? '' });
      // The lines given first (so a problem's `lines/<i>` is the request's), then the others as ordered.
      const lines: ResponseLineInput[] = given.map((g) => {
        const line = order.lines.find((l) => l.lineNumber === g.lineNumber);
        const quantity = g.quantity ?? (line ? ordered(line).quantity : '');
        const deliveryDate = g.deliveryDate ?? (line ? ordered(line).deliveryDate : '');
        const differs = line !== undefined && (quantity !== ordered(line).quantity || deliveryDate !== ordered(line).deliveryDate);
        // As on the portal's order page: a line accepted with another quantity or date is changed.
        const status = g.status ?? 'accepted';
        return { lineNumber: g.lineNumber, status: status === 'accepted' && differs ? 'changed' : status, quantity, deliveryDate };
      });
      if (input.answer !== 'change' || given.length > 0) {
        for (const l of order.lines) {
          if (given.some((g) => g.lineNumber === l.lineNumber)) continue;
          lines.push(input.answer === 'reject' ? { lineNumber: l.lineNumber, status: 'rejected' } : { lineNumber: l.lineNumber, status: 'accepted', ...ordered(l) });
        }
      }
      // A problem with the order is one with the path's `orderId`.
      const answer = await inRequestShape(
        respondToPurchaseOrder(
          ctx,
          caller.actor,
          { purchaseOrder: order.order.poNumber, status: input.answer === 'reject' ? 'rejected' : undefined, lines, note: input.note, responseNumber: input.responseNumber },
          { source: 'api' },
        ),
        (field) => (field === 'purchaseOrder' ? 'path:orderId' : undefined),
      );
      const recorded = (await getPurchaseOrder(ctx, caller.actor, order.order.id)).responses.find((r) => r.id === answer.id)!;
      return { status: 201, body: answerBody(recorded), headers: { Location: `/api/v1/orders/${encodeURIComponent(order.order.id)}` } };
    },
  },
];
