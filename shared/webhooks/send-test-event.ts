import type { UseCaseContext } from '../context.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { newId } from '../ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { authoriseOperator, type Operator } from '../auth/operator.ts';

/** Puts a `system.ping` through the outbox to every enabled ERP endpoint ("send test event"; partners' endpoints never get it). */
export async function sendTestEvent(ctx: UseCaseContext, by: Operator): Promise<{ webhookId: string; endpoints: number }> {
  const { actor, organisationId } = authoriseOperator(by);
  const pingId = newId('ping');
  return ctx.db.transaction(async (tx) => {
    const event = await enqueueEvent(tx, ctx.clock, {
      type: 'system.ping',
      aggregateType: 'ping',
      aggregateId: pingId,
      organisationId,
      data: { message: 'Test event from Lotbridge', requestedBy: actor.name },
    });
    const endpoints = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_deliveries WHERE event_position = ?', [event.position]);
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId,
      action: 'webhook.test_sent',
      entityType: 'outbox_event',
      entityId: event.id,
      newValues: { endpoints: endpoints?.n ?? 0 },
      requestId: ctx.requestId,
    });
    return { webhookId: event.id, endpoints: endpoints?.n ?? 0 };
  });
}
