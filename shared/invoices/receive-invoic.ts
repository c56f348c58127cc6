// One INVOIC of an inbound AS2 interchange → an invoice, through the per-message path uploads
// use too (submit-invoic-message.ts); here its outcome becomes a MessageResult.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { submitInvoicMessage } from './submit-invoic-message.ts';
import type { MessageResult } from '../edi/inbound/message-result.ts';

export async function receiveInvoic(ctx: UseCaseContext, actor: Actor, m: EdifactMessage, origin: { interchange: string; as2MessageId: string }): Promise<MessageResult> {
  const r = await submitInvoicMessage(ctx, actor, m, { interchange: origin.interchange, as2MessageId: origin.as2MessageId });
  const refers = r.documentNumber === undefined ? {} : { documentNumber: r.documentNumber, purchaseOrder: r.purchaseOrder };
  if (!r.invoice) return { status: 'rejected', records: [], problems: r.problems, ...refers };
  return { status: 'accepted', records: [{ type: 'invoice', id: r.invoice.id }], problems: [], ...refers };
}
