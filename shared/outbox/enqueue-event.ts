import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import { wakeDispatcher } from '../webhooks/wake-up.ts';
import { headOrWaiting } from '../webhooks/lane-heads.ts';

export interface OutboxEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  organisationId: string | null;
  data: Record<string, unknown>;
}

/**
 * Puts an event for the ERP in the outbox inside the caller's transaction: the event exists
 * exactly when the change does. Each aggregate's events are numbered 1, 2, 3 … so the
 * receiver can order them and spot a gap. A delivery is created for every endpoint that is
 * not disabled; with none configured the event waits for the first one (see
 * create-webhook-endpoint.ts).
 */
export async function enqueueEvent(tx: Tx, clock: Clock, event: OutboxEvent): Promise<{ id: string; position: number; aggregateSeq: number }> {
  const last = await tx.get<{ seq: number | null }>(
    'SELECT MAX(aggregate_seq) AS seq FROM outbox WHERE aggregate_type = ? AND aggregate_id = ?',
    [event.aggregateType, event.aggregateId],
  );
  const aggregateSeq = (last?.seq ?? 0) + 1;
  const id = newId('msg');
  const now = clock.now().toISOString();
  const row = await tx.get<{ position: number }>(
    `INSERT INTO outbox (id, event_type, aggregate_type, aggregate_id, aggregate_seq, organisation_id, payload, occurred_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING position`,
    [id, event.type, event.aggregateType, event.aggregateId, aggregateSeq, event.organisationId, JSON.stringify(event.data), now],
  );
  const lane = `${event.aggregateType}:${event.aggregateId}`;
  let changes = 0;
  for (const endpoint of await tx.all<{ id: string }>("SELECT id FROM webhook_endpoints WHERE state != 'disabled'")) {
    await tx.run(
      `INSERT INTO webhook_deliveries (event_position, endpoint_id, lane, state, next_attempt_at, created_at)
       VALUES (:position, :endpoint, :lane, 'pending', ${headOrWaiting}, :now)`,
      { position: row!.position, endpoint: endpoint.id, lane, now },
    );
    changes++;
  }
  if (changes > 0) tx.afterCommit(wakeDispatcher);
  return { id, position: row!.position, aggregateSeq };
}
