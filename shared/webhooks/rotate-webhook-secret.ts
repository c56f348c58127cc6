import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { generateSecret } from './signature.ts';
import { secretFingerprint } from './create-webhook-endpoint.ts';
import { authoriseOperator, type Operator } from '../auth/operator.ts';
import { insertWebhookSecret, liveWebhookSecrets } from './webhook-secrets.ts';
import type { AuditActor } from '../audit/entry.ts';

export const defaultOverlapHours = 24;

/**
 * A new signing secret for an endpoint. Until the old one expires (default 24 h) every
 * delivery carries both signatures, so the ERP can switch over without losing an event.
 */
export async function rotateWebhookSecret(
  ctx: UseCaseContext,
  by: Operator,
  input: { endpointId: string; overlapHours?: number },
): Promise<{ secret: string; oldExpiresAt: string }> {
  return rotateSecret(ctx, authoriseOperator(by), input);
}

/**
 * The rotation itself, audited under `who`. `owner`: only an endpoint of this organisation is
 * found (a partner's own); without it any endpoint (the manufacturer's administrator).
 */
export async function rotateSecret(
  ctx: UseCaseContext,
  who: { actor: AuditActor; organisationId: string | null },
  input: { endpointId: string; overlapHours?: number },
  owner?: string,
): Promise<{ secret: string; oldExpiresAt: string }> {
  const overlap = input.overlapHours ?? defaultOverlapHours;
  if (!(overlap >= 0 && overlap <= 24 * 30)) throw refusal('invalid_input', 'the overlap must be 0 to 720 hours', { overlapHours: problem('webhooks.badOverlap') });
  const now = ctx.clock.now();
  const oldExpiresAt = new Date(now.getTime() + overlap * 3_600_000).toISOString();
  const secret = generateSecret();
  await ctx.db.transaction(async (tx) => {
    const endpoint = await tx.get(
      owner === undefined ? 'SELECT id FROM webhook_endpoints WHERE id = ?' : 'SELECT id FROM webhook_endpoints WHERE id = ? AND organisation_id = ? AND deleted_at IS NULL',
      owner === undefined ? [input.endpointId] : [input.endpointId, owner],
    );
    if (!endpoint) throw new AppError('not_found', 'no such webhook endpoint');
    const current = (await liveWebhookSecrets(tx, [input.endpointId], now.toISOString())).get(input.endpointId) ?? [];
    await tx.run('UPDATE webhook_secrets SET expires_at = ? WHERE endpoint_id = ? AND (expires_at IS NULL OR expires_at > ?)', [
      oldExpiresAt,
      input.endpointId,
      oldExpiresAt,
    ]);
    await insertWebhookSecret(tx, input.endpointId, secret, now.toISOString());
    await recordAudit(tx, ctx.clock, {
      actor: who.actor,
      organisationId: who.organisationId,
      action: 'webhook_endpoint.secret_rotated',
      entityType: 'webhook_endpoint',
      entityId: input.endpointId,
      oldValues: { secrets: current.map(secretFingerprint), expiresAt: oldExpiresAt },
      newValues: { secret: secretFingerprint(secret) },
      requestId: ctx.requestId,
    });
  });
  return { secret, oldExpiresAt };
}
