import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { checkEndpointTarget } from './create-webhook-endpoint.ts';
import { authoriseOperator, type Operator } from '../auth/operator.ts';

/**
 * Marks an endpoint internal (the administrator says it is inside our network, so it may be
 * at a loopback, private, link-local or unique-local address) or takes the mark away, which
 * is refused while its URL reaches such an address. Endpoints from before the mark existed
 * start unmarked: this is how an administrator lets one at such an address be delivered to.
 */
export async function setWebhookEndpointInternal(ctx: UseCaseContext, by: Operator, input: { endpointId: string; internal: boolean }): Promise<void> {
  const { actor, organisationId } = authoriseOperator(by);
  const find = (db: Tx) =>
    db.get<{ url: string; internal: number }>('SELECT url, internal FROM webhook_endpoints WHERE id = ? AND organisation_id IS NULL', [input.endpointId]);
  const before = await find(ctx.db);
  if (!before) throw new AppError('not_found', 'no such webhook endpoint');
  // Resolved before the transaction: no write lock waits on DNS.
  if (!input.internal) await checkEndpointTarget(before.url, false);
  await ctx.db.transaction(async (tx) => {
    const endpoint = await find(tx);
    if (!endpoint) throw new AppError('not_found', 'no such webhook endpoint');
    if (endpoint.url !== before.url) throw new AppError('conflict', 'the endpoint changed meanwhile; try again');
    if ((endpoint.internal === 1) === input.internal) return;
    await tx.run('UPDATE webhook_endpoints SET internal = ?, updated_at = ? WHERE id = ?', [input.internal ? 1 : 0, ctx.clock.now().toISOString(), input.endpointId]);
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId,
      action: input.internal ? 'webhook_endpoint.marked_internal' : 'webhook_endpoint.marked_external',
      entityType: 'webhook_endpoint',
      entityId: input.endpointId,
      oldValues: { url: endpoint.url, internal: endpoint.internal === 1 },
      newValues: { url: endpoint.url, internal: input.internal },
      requestId: ctx.requestId,
    });
  });
}
