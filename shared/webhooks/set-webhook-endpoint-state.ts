import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { wakeDispatcher } from './wake-up.ts';
import { repairLaneHeads } from './lane-heads.ts';
import { authoriseOperator, type Operator } from '../auth/operator.ts';
import { outboxRow, receivesSql } from './routing.ts';

/**
 * Pauses an endpoint (its deliveries wait) or resumes it, also after a 410 disabled it.
 * Resuming a disabled endpoint queues the events it missed meanwhile.
 */
export async function setWebhookEndpointState(
  ctx: UseCaseContext,
  by: Operator,
  input: { endpointId: string; state: 'active' | 'paused'; reason?: string },
): Promise<void> {
  const { actor, organisationId } = authoriseOperator(by);
  if (input.state !== 'active' && input.state !== 'paused') throw refusal('invalid_input', 'the state must be active or paused', { state: problem('webhooks.badState') });
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (tx) => {
    const endpoint = await tx.get<{ state: string; created_at: string }>('SELECT state, created_at FROM webhook_endpoints WHERE id = ? AND deleted_at IS NULL', [input.endpointId]);
    if (!endpoint) throw new AppError('not_found', 'no such webhook endpoint');
    if (endpoint.state === input.state) return;
    await tx.run('UPDATE webhook_endpoints SET state = ?, state_reason = ?, updated_at = ? WHERE id = ?', [input.state, input.reason ?? null, now, input.endpointId]);
    if (endpoint.state === 'disabled') {
      // Events committed while it was disabled got no delivery row for it; every event of its
      // lifetime without one is such an event (whatever else changed meanwhile).
      await tx.run(
        `INSERT INTO webhook_deliveries (event_position, endpoint_id, lane, state, next_attempt_at, created_at)
         SELECT o.position, w.id, o.aggregate_type || ':' || o.aggregate_id, 'pending', NULL, ?
           FROM outbox o JOIN webhook_endpoints w ON w.id = ?
          WHERE o.occurred_at >= ? AND ${receivesSql('w', outboxRow('o'))}
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_position = o.position AND d.endpoint_id = w.id)`,
        [now, input.endpointId, endpoint.created_at],
      );
      await repairLaneHeads(tx, input.endpointId, now);
    }
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId,
      action: input.state === 'paused' ? 'webhook_endpoint.paused' : 'webhook_endpoint.resumed',
      entityType: 'webhook_endpoint',
      entityId: input.endpointId,
      oldValues: { state: endpoint.state },
      newValues: { state: input.state },
      reason: input.reason,
      requestId: ctx.requestId,
    });
    if (input.state === 'active') tx.afterCommit(wakeDispatcher);
  });
}
