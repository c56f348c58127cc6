import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { wakeDispatcher } from './wake-up.ts';
import { repairLaneHeads } from './lane-heads.ts';
import { authoriseOperator, type Operator } from '../auth/operator.ts';
import { instant } from './list-webhook-deliveries.ts';

export type ReplaySelection = { deliveryId: number } | { endpointId: string; from: string; to: string };

/**
 * Sends events again, with their original webhook-id so receivers can deduplicate: one
 * delivery, or every delivery of an endpoint whose event occurred in [from, to]. They go
 * back to pending and the retry schedule starts over (attempt numbers go on, so the history
 * reads 1, 2, 3 … across the replay); their order within each aggregate holds.
 */
export async function replayWebhookDeliveries(ctx: UseCaseContext, by: Operator, selection: ReplaySelection): Promise<{ replayed: number }> {
  const { actor, organisationId } = authoriseOperator(by);
  const now = ctx.clock.now().toISOString();
  let where: string;
  let args: (string | number)[];
  if ('deliveryId' in selection) {
    where = 'id = ?';
    args = [selection.deliveryId];
  } else {
    const from = instant(selection.from, 'from');
    const to = instant(selection.to, 'to');
    if (!from || !to || from > to) throw refusal('invalid_input', 'the time range is not valid', { from: problem('webhooks.badRange') });
    if (!(await ctx.db.get('SELECT id FROM webhook_endpoints WHERE id = ?', [selection.endpointId]))) throw new AppError('not_found', 'no such webhook endpoint');
    where = 'endpoint_id = ? AND event_position IN (SELECT position FROM outbox WHERE occurred_at >= ? AND occurred_at <= ?)';
    args = [selection.endpointId, from, to];
  }
  const replayed = await ctx.db.transaction(async (tx) => {
    const endpoints = await tx.all<{ endpoint_id: string }>(`SELECT DISTINCT endpoint_id FROM webhook_deliveries WHERE ${where}`, args);
    const { changes } = await tx.run(
      `UPDATE webhook_deliveries SET state = 'pending', retry_base = attempts, next_attempt_at = NULL, completed_at = NULL WHERE ${where}`,
      args,
    );
    if (changes === 0 && 'deliveryId' in selection) throw new AppError('not_found', 'no such delivery');
    for (const e of endpoints) await repairLaneHeads(tx, e.endpoint_id, now);
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId,
      action: 'webhook_delivery.replayed',
      entityType: 'deliveryId' in selection ? 'webhook_delivery' : 'webhook_endpoint',
      entityId: 'deliveryId' in selection ? String(selection.deliveryId) : selection.endpointId,
      newValues: { ...selection, replayed: changes },
      requestId: ctx.requestId,
    });
    if (changes > 0) tx.afterCommit(wakeDispatcher);
    return changes;
  });
  return { replayed };
}
