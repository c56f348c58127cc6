import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { validateEvent } from '../events/validate-event.ts';
import { applyItemUpserted, type ItemUpserted } from './apply-item-upserted.ts';
import { applyPurchaseOrder, type PurchaseOrderData } from './apply-purchase-order.ts';
import { applyInvoiceStatus, type InvoiceStatusData } from './apply-invoice-status.ts';
import { applyShipmentDispatched, type ShipmentData } from './apply-shipment-dispatched.ts';
import { applyRecallIssued, type RecallIssuedData } from './apply-recall-issued.ts';

/** What an event's use case may need besides its data: the portal's address, for links in the mails it queues. */
export interface ApplyOptions {
  portalUrl?: string;
}

type Apply = (tx: Tx, clock: Clock, data: never, requestId?: string, options?: ApplyOptions) => Promise<Record<string, unknown>>;

const handlers: Record<string, Apply> = {
  'item.upserted': applyItemUpserted as (tx: Tx, clock: Clock, data: ItemUpserted, r?: string) => Promise<Record<string, unknown>>,
  'purchase_order.created': applyPurchaseOrder as (tx: Tx, clock: Clock, data: PurchaseOrderData, r?: string) => Promise<Record<string, unknown>>,
  'purchase_order.updated': applyPurchaseOrder as (tx: Tx, clock: Clock, data: PurchaseOrderData, r?: string) => Promise<Record<string, unknown>>,
  'invoice.status_changed': applyInvoiceStatus as (tx: Tx, clock: Clock, data: InvoiceStatusData, r?: string, o?: ApplyOptions) => Promise<Record<string, unknown>>,
  'shipment.dispatched': applyShipmentDispatched as (tx: Tx, clock: Clock, data: ShipmentData, r?: string) => Promise<Record<string, unknown>>,
  'recall.issued': applyRecallIssued as (tx: Tx, clock: Clock, data: RecallIssuedData, r?: string) => Promise<Record<string, unknown>>,
};

export interface ReceivedErpEvent {
  duplicate: boolean;
  type: string;
  outcome: Record<string, unknown>;
}

/**
 * One signed event from the ERP (the signature was checked by the transport). Validated
 * against the catalogue, applied by its use case and recorded under its webhook-id in one
 * transaction: a replay of the same webhook-id returns the first outcome and changes nothing.
 */
export async function receiveErpEvent(ctx: UseCaseContext, input: { webhookId: string; sentAt: number; body: unknown }, options: ApplyOptions = {}): Promise<ReceivedErpEvent> {
  const seen = await ctx.db.get<{ type: string; outcome: string }>('SELECT type, outcome FROM erp_inbound_events WHERE webhook_id = ?', [input.webhookId]);
  if (seen) return { duplicate: true, type: seen.type, outcome: JSON.parse(seen.outcome) };

  const event = validateEvent(input.body, 'inbound');
  const apply = handlers[event.type]!;
  return ctx.db.transaction(async (tx) => {
    // Checked again inside the write: two deliveries of one id racing each other apply once.
    const raced = await tx.get<{ type: string; outcome: string }>('SELECT type, outcome FROM erp_inbound_events WHERE webhook_id = ?', [input.webhookId]);
    if (raced) return { duplicate: true, type: raced.type, outcome: JSON.parse(raced.outcome) };
    const outcome = await apply(tx, ctx.clock, event.data as never, ctx.requestId, options);
    await tx.run('INSERT INTO erp_inbound_events (webhook_id, type, sent_at, received_at, payload, outcome) VALUES (?, ?, ?, ?, ?, ?)', [
      input.webhookId,
      event.type,
      new Date(input.sentAt * 1000).toISOString(),
      ctx.clock.now().toISOString(),
      JSON.stringify(input.body),
      JSON.stringify(outcome),
    ]);
    return { duplicate: false, type: event.type, outcome };
  });
}
