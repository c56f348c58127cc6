import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';

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
 * receiver can order them and spot a gap.
 */
export async function enqueueEvent(tx: Tx, clock: Clock, event: OutboxEvent): Promise<{ id: string; aggregateSeq: number }> {
  const last = await tx.get<{ seq: number | null }>(
    'SELECT MAX(aggregate_seq) AS seq FROM outbox WHERE aggregate_type = ? AND aggregate_id = ?',
    [event.aggregateType, event.aggregateId],
  );
  const aggregateSeq = (last?.seq ?? 0) + 1;
  const id = newId('msg');
  await tx.run(
    `INSERT INTO outbox (id, event_type, aggregate_type, aggregate_id, aggregate_seq, organisation_id, payload, occurred_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, event.type, event.aggregateType, event.aggregateId, aggregateSeq, event.organisationId, JSON.stringify(event.data), clock.now().toISOString()],
  );
  return { id, aggregateSeq };
}
