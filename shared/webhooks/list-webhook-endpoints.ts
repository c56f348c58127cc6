import type { UseCaseContext } from '../context.ts';
import { authoriseOperator, type Operator } from '../auth/operator.ts';
import { secretFingerprint } from './create-webhook-endpoint.ts';
import { openSecretText, secretContext } from '../keys/secrets.ts';
import { waitingForErp } from './routing.ts';

export interface WebhookEndpointView {
  id: string;
  url: string;
  /** Marked internal by the administrator: may be at a private or loopback address. */
  internal: boolean;
  description: string;
  state: 'active' | 'paused' | 'disabled';
  stateReason: string | null;
  createdAt: string;
  /** The live secrets by fingerprint: a secret is shown once, when it is made, never again. */
  secrets: { fingerprint: string; createdAt: string; expiresAt: string | null }[];
  counts: { pending: number; succeeded: number; exhausted: number };
}

/**
 * The ERP endpoints (partners' own endpoints are theirs: list-partner-webhook-endpoints.ts) with
 * their live secrets (fingerprints) and delivery counts, plus the events still waiting for any.
 */
export async function listWebhookEndpoints(ctx: UseCaseContext, by: Operator): Promise<{ endpoints: WebhookEndpointView[]; waitingEvents: number }> {
  authoriseOperator(by);
  const now = ctx.clock.now().toISOString();
  const endpoints = await ctx.db.all<{
    id: string;
    url: string;
    internal: number;
    description: string;
    state: WebhookEndpointView['state'];
    state_reason: string | null;
    created_at: string;
  }>('SELECT id, url, internal, description, state, state_reason, created_at FROM webhook_endpoints WHERE organisation_id IS NULL ORDER BY created_at');
  const secrets = await ctx.db.all<{ id: string; endpoint_id: string; secret: string; created_at: string; expires_at: string | null }>(
    'SELECT id, endpoint_id, secret, created_at, expires_at FROM webhook_secrets WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at DESC',
    [now],
  );
  const counts = await ctx.db.all<{ endpoint_id: string; state: string; n: number }>('SELECT endpoint_id, state, COUNT(*) AS n FROM webhook_deliveries GROUP BY endpoint_id, state');
  const waiting = await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox o WHERE ${waitingForErp('o')}`);
  return {
    endpoints: endpoints.map((e) => ({
      id: e.id,
      url: e.url,
      internal: e.internal === 1,
      description: e.description,
      state: e.state,
      stateReason: e.state_reason,
      createdAt: e.created_at,
      secrets: secrets.filter((s) => s.endpoint_id === e.id).map((s) => ({
          fingerprint: secretFingerprint(openSecretText(ctx.db.keys, secretContext.webhookSecret(s.id), s.secret)),
          createdAt: s.created_at,
          expiresAt: s.expires_at,
        })),
      counts: {
        pending: counts.find((c) => c.endpoint_id === e.id && c.state === 'pending')?.n ?? 0,
        succeeded: counts.find((c) => c.endpoint_id === e.id && c.state === 'succeeded')?.n ?? 0,
        exhausted: counts.find((c) => c.endpoint_id === e.id && c.state === 'exhausted')?.n ?? 0,
      },
    })),
    waitingEvents: waiting?.n ?? 0,
  };
}
