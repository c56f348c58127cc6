import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { managePartnerWebhooks, ownEndpoint, ownEndpoints, type PartnerEndpointView } from './partner-webhook-endpoints.ts';

export interface PartnerDeliveryView {
  /** The webhook-id the receiver saw (the same on every attempt). */
  webhookId: string;
  eventType: string;
  occurredAt: string;
  state: 'pending' | 'succeeded' | 'exhausted';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  completedAt: string | null;
}

/** How many recent deliveries an endpoint's page shows. */
export const recentDeliveries = 20;

function permissions(actor: Actor): { manage: boolean } {
  return { manage: managePartnerWebhooks.allows(actor) };
}

/** The caller's organisation's webhook endpoints (never another's). */
export async function listPartnerWebhookEndpoints(ctx: UseCaseContext, actor: Actor): Promise<{ endpoints: PartnerEndpointView[]; permissions: { manage: boolean } }> {
  managePartnerWebhooks.require(actor);
  return { endpoints: await ownEndpoints(ctx.db, actor, ctx.clock.now().toISOString()), permissions: permissions(actor) };
}

/** One endpoint of the caller's organisation with its most recent deliveries, newest first; another organisation's is not found. */
export async function getPartnerWebhookEndpoint(
  ctx: UseCaseContext,
  actor: Actor,
  endpointId: string,
): Promise<{ endpoint: PartnerEndpointView; deliveries: PartnerDeliveryView[]; permissions: { manage: boolean } }> {
  managePartnerWebhooks.require(actor);
  const endpoint = await ownEndpoint(ctx.db, actor, ctx.clock.now().toISOString(), endpointId);
  const rows = await ctx.db.all<{
    webhook_id: string; event_type: string; occurred_at: string; state: PartnerDeliveryView['state']; attempts: number;
    last_status: number | null; last_error: string | null; next_attempt_at: string | null; completed_at: string | null;
  }>(
    `SELECT o.id AS webhook_id, o.event_type, o.occurred_at, d.state, d.attempts, d.last_status, d.last_error, d.next_attempt_at, d.completed_at
       FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position
      WHERE d.endpoint_id = ? ORDER BY d.id DESC LIMIT ?`,
    [endpoint.id, recentDeliveries],
  );
  return {
    endpoint,
    deliveries: rows.map((r) => ({
      webhookId: r.webhook_id,
      eventType: r.event_type,
      occurredAt: r.occurred_at,
      state: r.state,
      attempts: r.attempts,
      lastStatus: r.last_status,
      lastError: r.last_error,
      nextAttemptAt: r.next_attempt_at,
      completedAt: r.completed_at,
    })),
    permissions: permissions(actor),
  };
}
