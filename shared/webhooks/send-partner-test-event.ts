import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { managePartnerWebhooks } from './partner-webhook-endpoints.ts';

/**
 * A partner sends a `system.ping` to one of its own endpoints, and to that one alone, through the
 * outbox like every event (signed, retried, in the endpoint's delivery log). Refused while the
 * endpoint is disabled (it answered 410 Gone); another organisation's is not found.
 */
export async function sendPartnerTestEvent(ctx: UseCaseContext, actor: Actor, endpointId: string): Promise<{ webhookId: string }> {
  managePartnerWebhooks.require(actor);
  return ctx.db.transaction(async (tx) => {
    const endpoint = await tx.get<{ state: string }>('SELECT state FROM webhook_endpoints WHERE id = ? AND organisation_id = ? AND deleted_at IS NULL', [endpointId, actor.organisationId]);
    if (!endpoint) throw new AppError('not_found', 'no such webhook endpoint');
    if (endpoint.state === 'disabled') throw new AppError('conflict', 'the endpoint is disabled (it answered 410 Gone): add it again to receive events');
    const event = await enqueueEvent(tx, ctx.clock, {
      type: 'system.ping',
      aggregateType: 'ping',
      aggregateId: newId('ping'),
      organisationId: actor.organisationId,
      endpointId,
      data: { message: 'Test event from Lotbridge' },
    });
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'webhook.test_sent',
      entityType: 'outbox_event',
      entityId: event.id,
      newValues: { endpoint: endpointId },
      requestId: ctx.requestId,
    });
    return { webhookId: event.id };
  });
}
