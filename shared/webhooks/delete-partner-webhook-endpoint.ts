import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { managePartnerWebhooks } from './partner-webhook-endpoints.ts';

/**
 * A partner deletes one of its endpoints: it is disabled for good (no event is queued for it any
 * more, and what was still pending is never sent) and no longer listed; its deliveries stay in
 * the log. Another organisation's endpoint is not found.
 */
export async function deletePartnerWebhookEndpoint(ctx: UseCaseContext, actor: Actor, endpointId: string): Promise<void> {
  managePartnerWebhooks.require(actor);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (tx) => {
    const endpoint = await tx.get<{ state: string }>('SELECT state FROM webhook_endpoints WHERE id = ? AND organisation_id = ? AND deleted_at IS NULL', [endpointId, actor.organisationId]);
    if (!endpoint) throw new AppError('not_found', 'no such webhook endpoint');
    await tx.run("UPDATE webhook_endpoints SET state = 'disabled', state_reason = 'deleted by its organisation', deleted_at = ?, updated_at = ? WHERE id = ?", [now, now, endpointId]);
    // Never due again: the dispatcher's idle check does not keep finding them.
    await tx.run("UPDATE webhook_deliveries SET next_attempt_at = NULL WHERE endpoint_id = ? AND state = 'pending'", [endpointId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'webhook_endpoint.disabled',
      entityType: 'webhook_endpoint',
      entityId: endpointId,
      oldValues: { state: endpoint.state },
      newValues: { state: 'disabled', deleted: true },
      reason: 'deleted by its organisation',
      requestId: ctx.requestId,
    });
  });
}
