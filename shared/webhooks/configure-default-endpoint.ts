import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { newId } from '../ids.ts';
import { createWebhookEndpoint, checkEndpointUrl, secretFingerprint } from './create-webhook-endpoint.ts';

const description = 'default (ERP_WEBHOOK_URL)';
const system = { type: 'system' as const, name: 'Lotbridge start-up (ERP_WEBHOOK_URL)' };

/**
 * For scripted set-ups: makes the endpoint named by ERP_WEBHOOK_URL / ERP_WEBHOOK_SECRET
 * exist with exactly that URL and secret, creating it or updating it in place.
 */
export async function configureDefaultEndpoint(ctx: UseCaseContext, input: { url: string; secret: string }): Promise<'created' | 'updated' | 'unchanged'> {
  const url = checkEndpointUrl(input.url);
  const existing = await ctx.db.get<{ id: string; url: string }>('SELECT id, url FROM webhook_endpoints WHERE description = ? ORDER BY created_at LIMIT 1', [description]);
  if (!existing) {
    await createWebhookEndpoint(ctx, system, { url, secret: input.secret, description });
    return 'created';
  }
  const now = ctx.clock.now().toISOString();
  const current = await ctx.db.get<{ secret: string }>('SELECT secret FROM webhook_secrets WHERE endpoint_id = ? AND expires_at IS NULL', [existing.id]);
  if (existing.url === url && current?.secret === input.secret) return 'unchanged';
  await ctx.db.transaction(async (tx) => {
    await tx.run('UPDATE webhook_endpoints SET url = ?, updated_at = ? WHERE id = ?', [url, now, existing.id]);
    if (current?.secret !== input.secret) {
      // The operator replaced the secret in the environment: the old one stops at once.
      await tx.run('UPDATE webhook_secrets SET expires_at = ? WHERE endpoint_id = ? AND (expires_at IS NULL OR expires_at > ?)', [now, existing.id, now]);
      await tx.run('INSERT INTO webhook_secrets (id, endpoint_id, secret, created_at) VALUES (?, ?, ?, ?)', [newId('whs'), existing.id, input.secret, now]);
    }
    await recordAudit(tx, ctx.clock, {
      actor: system,
      organisationId: null,
      action: 'webhook_endpoint.configured',
      entityType: 'webhook_endpoint',
      entityId: existing.id,
      oldValues: { url: existing.url, secret: current ? secretFingerprint(current.secret) : null },
      newValues: { url, secret: secretFingerprint(input.secret) },
      requestId: ctx.requestId,
    });
  });
  return 'updated';
}
