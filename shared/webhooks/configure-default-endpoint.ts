import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { createWebhookEndpoint, checkEndpointUrl, secretFingerprint } from './create-webhook-endpoint.ts';
import { defaultOverlapHours } from './rotate-webhook-secret.ts';
import { insertWebhookSecret, liveWebhookSecrets } from './webhook-secrets.ts';

const description = 'default (ERP_WEBHOOK_URL)';
const system = { type: 'system' as const, name: 'Lotbridge start-up (ERP_WEBHOOK_URL)' };

/**
 * The operator who sets ERP_WEBHOOK_URL vouches for it: this endpoint is marked internal (the
 * ERP usually is), so it may be at a private or loopback address.
 *
 * For scripted set-ups: makes the endpoint named by ERP_WEBHOOK_URL / ERP_WEBHOOK_SECRET
 * exist with that URL and sign with that secret, creating it or updating it in place. A
 * secret still live on the endpoint (e.g. the old one of a rotation made in the portal) is
 * left as it is; a new one becomes current and the others keep signing for the usual overlap.
 */
export async function configureDefaultEndpoint(ctx: UseCaseContext, input: { url: string; secret: string }): Promise<'created' | 'updated' | 'unchanged'> {
  const url = checkEndpointUrl(input.url);
  const existing = await ctx.db.get<{ id: string; url: string; internal: number }>(
    'SELECT id, url, internal FROM webhook_endpoints WHERE description = ? AND organisation_id IS NULL ORDER BY created_at LIMIT 1',
    [description],
  );
  if (!existing) {
    await createWebhookEndpoint(ctx, system, { url, secret: input.secret, description, internal: true });
    return 'created';
  }
  const now = ctx.clock.now().toISOString();
  const live = (await liveWebhookSecrets(ctx.db, [existing.id], now)).get(existing.id) ?? [];
  const secretIsLive = live.includes(input.secret);
  if (existing.url === url && secretIsLive && existing.internal === 1) return 'unchanged';
  const overlapEnds = new Date(ctx.clock.now().getTime() + defaultOverlapHours * 3_600_000).toISOString();
  await ctx.db.transaction(async (tx) => {
    await tx.run('UPDATE webhook_endpoints SET url = ?, internal = 1, updated_at = ? WHERE id = ?', [url, now, existing.id]);
    if (!secretIsLive) {
      // The operator put a new secret in the environment: it signs from now on, the old ones
      // beside it until the overlap ends, so the ERP can switch without losing an event.
      await tx.run('UPDATE webhook_secrets SET expires_at = ? WHERE endpoint_id = ? AND (expires_at IS NULL OR expires_at > ?)', [overlapEnds, existing.id, overlapEnds]);
      await insertWebhookSecret(tx, existing.id, input.secret, now);
    }
    await recordAudit(tx, ctx.clock, {
      actor: system,
      organisationId: null,
      action: 'webhook_endpoint.configured',
      entityType: 'webhook_endpoint',
      entityId: existing.id,
      oldValues: { url: existing.url, internal: existing.internal === 1, secrets: live.map(secretFingerprint) },
      newValues: { url, internal: true, secret: secretFingerprint(input.secret) },
      requestId: ctx.requestId,
    });
  });
  return 'updated';
}
