import { createHash } from 'node:crypto';
import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal } from '../errors.ts';
import { newId } from '../ids.ts';
import { generateSecret, isValidSecret } from './signature.ts';
import { wakeDispatcher } from './wake-up.ts';
import { repairLaneHeads } from './lane-heads.ts';
import { authoriseOperator, type Operator } from '../auth/operator.ts';
import { insertWebhookSecret } from './webhook-secrets.ts';
import { internalTargetProblem } from '../net/internal-target.ts';
import { outboxRow, receivesSql, waitingForErp } from './routing.ts';

/** What the audit trail records of a secret: enough to tell two apart, nothing to sign with. */
export function secretFingerprint(secret: string): string {
  return 'sha256:' + createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

export function checkEndpointUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refusal('invalid_input', 'the endpoint URL is not a URL', { url: problem('webhooks.badUrl') });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refusal('invalid_input', 'the endpoint URL must use http or https', { url: problem('webhooks.badUrl') });
  if (url.username || url.password) throw refusal('invalid_input', 'the endpoint URL must not carry credentials', { url: problem('webhooks.badUrl') });
  return url.href;
}

/** Refuses a URL at an internal address unless the endpoint is marked internal (`url` field, code internalAddress). */
export async function checkEndpointTarget(url: string, internal: boolean): Promise<void> {
  const found = await internalTargetProblem(url, internal);
  if (found) throw refusal('invalid_input', 'the endpoint URL is at an internal address', { url: found });
}

/**
 * Adds an ERP endpoint with its signing secret (generated unless given). The first endpoint
 * also receives every event that waited while none was configured; later ones start from now.
 * `internal`: the administrator says the endpoint is inside our network, which alone lets it
 * be at a loopback, private, link-local or unique-local address (checked again on delivery).
 */
export async function createWebhookEndpoint(
  ctx: UseCaseContext,
  by: Operator,
  input: { url: string; description?: string; secret?: string; internal?: boolean },
): Promise<{ id: string; url: string; secret: string; backfilled: number }> {
  const { actor, organisationId } = authoriseOperator(by);
  const url = checkEndpointUrl(input.url);
  const internal = input.internal === true;
  await checkEndpointTarget(url, internal);
  const secret = input.secret ?? generateSecret();
  if (!isValidSecret(secret)) throw refusal('invalid_input', 'the secret is not a Standard Webhooks secret', { secret: problem('webhooks.badSecret') });
  const id = newId('ep');
  const now = ctx.clock.now().toISOString();
  const backfilled = await ctx.db.transaction(async (tx) => {
    await tx.run("INSERT INTO webhook_endpoints (id, url, internal, description, state, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?)", [
      id,
      url,
      internal ? 1 : 0,
      input.description?.trim() ?? '',
      now,
      now,
    ]);
    await insertWebhookSecret(tx, id, secret, now);
    const { changes } = await tx.run(
      `INSERT INTO webhook_deliveries (event_position, endpoint_id, lane, state, next_attempt_at, created_at)
       SELECT o.position, w.id, o.aggregate_type || ':' || o.aggregate_id, 'pending', NULL, ?
         FROM outbox o JOIN webhook_endpoints w ON w.id = ?
        WHERE ${waitingForErp('o')} AND ${receivesSql('w', outboxRow('o'))}`,
      [now, id],
    );
    await repairLaneHeads(tx, id, now);
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId,
      action: 'webhook_endpoint.created',
      entityType: 'webhook_endpoint',
      entityId: id,
      newValues: { url, internal, description: input.description ?? '', secret: secretFingerprint(secret), waitingEventsQueued: changes },
      requestId: ctx.requestId,
    });
    if (changes > 0) tx.afterCommit(wakeDispatcher);
    return changes;
  });
  return { id, url, secret, backfilled };
}
