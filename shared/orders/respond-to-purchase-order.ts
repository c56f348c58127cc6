// A supplier answers its purchase order: accepts it, changes lines (the quantity it will deliver
// and when) or rejects it, with a note. The one use case every way in calls: the portal's order
// page, the REST API (gateway/api/operations/orders.ts) and EDI ORDRSP (shared/erp/receive-ordrsp.ts maps the message to this input and reports
// the refusals against the segments they were read from). The answer is a
// purchase_order_response record (edi_documents, source 'portal', 'api' or 'edifact'), audited, and
// announced to the ERP as `purchase_order.responded` with its source, in one transaction.
import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { newId } from '../ids.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { closedPurchaseOrderStates } from '../invoices/invoice.ts';
import { responseStatuses, type ResponseStatus } from './order-states.ts';

export { responseStatuses, type ResponseStatus };

/** A supplier's users answer their organisation's purchase orders (portal or EDI ORDRSP). */
export const respondToPurchaseOrders = permission('supplier_user');


export interface ResponseLineInput {
  /** The purchase order line answered (a number, or the text it was given as). */
  lineNumber: number | string;
  /** The GTIN the answer names for the line, if any: it must be the one ordered there. */
  gtin?: string;
  /** Without one, the answer's overall status (or accepted). */
  status?: ResponseStatus | string;
  /** The quantity the supplier will deliver, as a decimal string; null or '' when not given. */
  quantity?: string | null;
  /** YYYY-MM-DD; null or '' when not given. */
  deliveryDate?: string | null;
}

export interface PurchaseOrderResponseInput {
  /** The order's number. */
  purchaseOrder: string;
  /** The supplier's own number for the answer (ORDRSP BGM 1004); the portal numbers its answers. */
  responseNumber?: string;
  responseDate?: string | null;
  /** The whole answer; without one it follows from the lines. */
  status?: ResponseStatus | string;
  lines: ResponseLineInput[];
  note?: string;
}

export type ResponseOrigin = { source: 'portal' | 'api' } | { source: 'edifact'; interchangeId: string; messageReference: string };

export interface ResponseLine {
  lineNumber: number;
  gtin: string;
  status: ResponseStatus;
  quantity: string | null;
  deliveryDate: string | null;
}

export interface PurchaseOrderResponse {
  id: string;
  responseNumber: string;
  status: ResponseStatus;
  lines: ResponseLine[];
}

export const noteMaxLength = 2000;

const isStatus = (s: unknown): s is ResponseStatus => responseStatuses.includes(s as ResponseStatus);
const decimal = (s: string) => (/^\d{1,12}(\.\d{1,4})?$/.test(s) ? s.replace(/^0+(?=\d)/, '') : null);
function isoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

interface Order {
  id: string;
  po_number: string;
  status: string;
  version: number;
}

/** The answer checked against the caller's order: its lines as recorded, or every problem by field path. */
async function checked(ctx: UseCaseContext, actor: Actor, input: PurchaseOrderResponseInput): Promise<{ order: Order; status: ResponseStatus; lines: ResponseLine[]; note: string | null } | { problems: Problems; notFound: boolean }> {
  const po = input.purchaseOrder.trim();
  const order = await ctx.db.get<Order>('SELECT id, po_number, status, version FROM purchase_orders WHERE po_number = ? AND supplier_organisation_id = ?', [po, actor.organisationId]);
  if (!order) return { problems: { purchaseOrder: problem('orders.unknownPurchaseOrder', { po }) }, notFound: true };
  const problems: Problems = {};
  if (closedPurchaseOrderStates.includes(order.status)) problems.purchaseOrder = problem('orders.orderClosed', { po, status: order.status });
  const overall = input.status === undefined || input.status === '' ? undefined : input.status;
  if (overall !== undefined && !isStatus(overall)) problems.status = problem('orders.badStatus', { value: String(overall) });
  const ordered = new Map((await ctx.db.all<{ line_number: number; gtin: string }>('SELECT line_number, gtin FROM purchase_order_lines WHERE purchase_order_id = ?', [order.id])).map((l) => [l.line_number, l.gtin]));
  if (input.lines.length === 0) problems.lines = problem('orders.noLines');
  const seen = new Set<number>();
  const lines: ResponseLine[] = input.lines.map((l, i) => {
    const at = (f: string) => `lines/${i}/${f}`;
    const text = String(l.lineNumber).trim();
    const lineNumber = /^\d+$/.test(text) ? Number(text) : NaN;
    const gtinOrdered = ordered.get(lineNumber);
    if (gtinOrdered === undefined) problems[at('lineNumber')] = problem('orders.unknownPoLine', { line: text, po: order.po_number });
    else if (seen.has(lineNumber)) problems[at('lineNumber')] = problem('orders.lineRepeated', { line: text });
    seen.add(lineNumber);
    const gtin = l.gtin?.trim() ?? '';
    const gtin14 = gtin && isValidGtin(gtin) ? toGtin14(gtin) : gtin;
    if (gtin && gtinOrdered !== undefined && gtin14 !== gtinOrdered) problems[at('gtin')] = problem('orders.gtinNotOnLine', { gtin, line: text, po: order.po_number, ordered: gtinOrdered });
    const status = l.status === undefined || l.status === '' ? (isStatus(overall) ? overall : 'accepted') : l.status;
    if (!isStatus(status)) problems[at('status')] = problem('orders.badStatus', { value: String(status) });
    const q = (l.quantity ?? '').trim();
    const quantity = q ? decimal(q) : null;
    if (q && quantity === null) problems[at('quantity')] = problem('orders.badQuantity', { value: q });
    const d = (l.deliveryDate ?? '').trim();
    if (d && !isoDate(d)) problems[at('deliveryDate')] = problem('orders.badDate', { value: d });
    if (status === 'changed' && !q && !d) problems[at('quantity')] ??= problem('orders.changeNeedsValue', { line: text });
    return { lineNumber: Number.isNaN(lineNumber) ? 0 : lineNumber, gtin: gtinOrdered ?? gtin14, status: isStatus(status) ? status : 'accepted', quantity, deliveryDate: d || null };
  });
  const note = input.note?.trim() ?? '';
  if (note.length > noteMaxLength) problems.note = problem('orders.noteTooLong', { max: noteMaxLength });
  if (Object.keys(problems).length) return { problems, notFound: false };
  const status: ResponseStatus = isStatus(overall) ? overall : lines.every((l) => l.status === 'accepted') ? 'accepted' : lines.every((l) => l.status === 'rejected') ? 'rejected' : 'changed';
  return { order, status, lines, note: note || null };
}

/** The problems an answer would be refused for (none: it would be recorded), without recording anything. */
export async function responseProblems(ctx: UseCaseContext, actor: Actor, input: PurchaseOrderResponseInput): Promise<Problems> {
  const r = await checked(ctx, actor, input);
  return 'problems' in r ? r.problems : {};
}

/**
 * Records the supplier's answer to its own purchase order. Refused as data: another
 * organisation's or an unknown order (not_found, which hides that it exists), a closed or
 * cancelled order, no lines, a line not on the order or answered twice, a GTIN not the one
 * ordered on its line, a status, quantity or date that is not one, a changed line with neither
 * a quantity nor a date, a note over 2,000 characters, a response number sent before.
 */
export async function respondToPurchaseOrder(ctx: UseCaseContext, actor: Actor, input: PurchaseOrderResponseInput, origin: ResponseOrigin): Promise<PurchaseOrderResponse> {
  respondToPurchaseOrders.require(actor);
  const r = await checked(ctx, actor, input);
  if ('problems' in r) throw refusal(r.notFound ? 'not_found' : 'invalid_input', 'the answer to the purchase order cannot be recorded as given', r.problems);
  const { order, status, lines, note } = r;
  return ctx.db.transaction(async (tx) => {
    const answered = (await tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM edi_documents WHERE kind = 'purchase_order_response' AND refers_to_id = ?", [order.id]))!.n;
    const responseNumber = input.responseNumber?.trim() || `${order.po_number}-R${answered + 1}`.slice(-35);
    const before = await tx.get<{ received_at: string }>("SELECT received_at FROM edi_documents WHERE kind = 'purchase_order_response' AND organisation_id = ? AND document_number = ?", [
      actor.organisationId,
      responseNumber,
    ]);
    if (before) throw refusal('conflict', `response ${responseNumber} was recorded before`, { responseNumber: problem('orders.duplicateResponse', { number: responseNumber, receivedAt: before.received_at }) });
    const id = newId('edoc');
    const receivedAt = ctx.clock.now().toISOString();
    const edi = origin.source === 'edifact' ? origin : null;
    await tx.run(
      `INSERT INTO edi_documents (id, kind, organisation_id, document_number, document_date, refers_to_type, refers_to_id, refers_to_version, status, lines, note, source, interchange_id, message_reference, received_by, received_at)
       VALUES (?, 'purchase_order_response', ?, ?, ?, 'purchase_order', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, actor.organisationId, responseNumber, input.responseDate ?? null, order.id, order.version, status, JSON.stringify(lines), note, origin.source, edi?.interchangeId ?? null, edi?.messageReference ?? null, actor.userId, receivedAt],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'purchase_order.responded',
      entityType: 'purchase_order',
      entityId: order.id,
      newValues: { response: id, responseNumber, poNumber: order.po_number, version: order.version, status, lines: lines.length, source: origin.source, ...(edi ? { interchangeId: edi.interchangeId, messageReference: edi.messageReference } : {}) },
      reason: note ?? undefined,
      requestId: ctx.requestId,
    });
    const org = (await tx.get<{ erp_id: string | null }>('SELECT erp_id FROM organisations WHERE id = ?', [actor.organisationId]))!;
    await enqueueEvent(tx, ctx.clock, {
      type: 'purchase_order.responded',
      aggregateType: 'edi_document',
      aggregateId: id,
      organisationId: actor.organisationId,
      data: {
        documentId: id,
        responseNumber,
        responseDate: input.responseDate ?? null,
        supplier: { organisationId: actor.organisationId, erpId: org.erp_id, name: actor.organisationName },
        purchaseOrder: { id: order.id, poNumber: order.po_number, version: order.version },
        status,
        lines,
        note,
        source: origin.source,
        receivedAt,
      },
    });
    return { id, responseNumber, status, lines };
  });
}
