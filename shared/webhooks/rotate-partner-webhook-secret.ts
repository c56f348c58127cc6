import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { rotateSecret } from './rotate-webhook-secret.ts';
import { managePartnerWebhooks } from './partner-webhook-endpoints.ts';

/**
 * A partner's new signing secret for one of its endpoints, returned this once. The old one keeps
 * signing beside it for `overlapHours` (24 by default), so the receiver can switch without losing
 * an event. Another organisation's endpoint is not found.
 */
export async function rotatePartnerWebhookSecret(
  ctx: UseCaseContext,
  actor: Actor,
  input: { endpointId: string; overlapHours?: number },
): Promise<{ secret: string; oldExpiresAt: string }> {
  managePartnerWebhooks.require(actor);
  return rotateSecret(ctx, { actor: asAuditActor(actor), organisationId: actor.organisationId }, input, actor.organisationId);
}
