// One DESADV of an inbound AS2 interchange → lots, through the per-message path uploads use
// too (submit-desadv-message.ts); here its outcome becomes a MessageResult.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { submitDesadvMessage } from './submit-desadv-message.ts';
import type { MessageResult } from '../edi/inbound/message-result.ts';

export async function receiveDesadv(ctx: UseCaseContext, actor: Actor, m: EdifactMessage): Promise<MessageResult> {
  const r = await submitDesadvMessage(ctx, actor, m);
  const refers = r.advice ? { documentNumber: r.advice.number, purchaseOrder: r.advice.purchaseOrder ?? undefined } : {};
  return { status: r.status, records: r.lots.map((l) => ({ type: 'lot', id: l.id })), problems: r.problems, ...refers };
}
