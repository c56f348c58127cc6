import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import { wakeDispatcher } from '../webhooks/wake-up.ts';

export interface OutboxEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  organisationId: string | null;
  data: Record<string, unknown>;
}

export interface EnqueuedEvent {
  id: string;
  position: number;
  aggregateSeq: number;
}

/**
 * Puts an event for the ERP in the outbox inside the caller's transaction: the event exists
 * exactly when the change does. Each aggregate's events are numbered 1, 2, 3 … so the
 * receiver can order them and spot a gap. A delivery is created for every endpoint that is
 * not disabled; with none configured the event waits for the first one (see
 * create-webhook-endpoint.ts).
 */
export async function enqueueEvent(tx: Tx, clock: Clock, event: OutboxEvent): Promise<EnqueuedEvent> {
  return (await enqueueEvents(tx, clock, [event]))[0]!;
}

/**
 * Many events in a few statements whatever their number (a recall's release posts one per
 * consignee, thousands): numbered per aggregate in the given order, each with a delivery per
 * endpoint. Of a lane's new deliveries only the first is due, and only when the lane had no
 * pending one: the lanes stay strictly ordered.
 */
export async function enqueueEvents(tx: Tx, clock: Clock, events: OutboxEvent[]): Promise<EnqueuedEvent[]> {
  if (events.length === 0) return [];
  const now = clock.now().toISOString();
  const lastSeq = new Map<string, number>();
  const rows = [];
  for (const e of events) {
    const key = `${e.aggregateType}:${e.aggregateId}`;
    let seq = lastSeq.get(key);
    if (seq === undefined) {
      const last = await tx.get<{ seq: number | null }>('SELECT MAX(aggregate_seq) AS seq FROM outbox WHERE aggregate_type = ? AND aggregate_id = ?', [e.aggregateType, e.aggregateId]);
      seq = last?.seq ?? 0;
    }
    lastSeq.set(key, ++seq);
    rows.push({ id: newId('msg'), type: e.type, aggregateType: e.aggregateType, aggregateId: e.aggregateId, seq, organisationId: e.organisationId, payload: JSON.stringify(e.data) });
  }
  // Multi-row VALUES, 500 rows a statement (SQLite allows 32,766 parameters).
  const inserted: { id: string; position: number }[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    inserted.push(
      ...(await tx.all<{ id: string; position: number }>(
        `INSERT INTO outbox (id, event_type, aggregate_type, aggregate_id, aggregate_seq, organisation_id, payload, occurred_at)
         VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} RETURNING id, position`,
        part.flatMap((r) => [r.id, r.type, r.aggregateType, r.aggregateId, r.seq, r.organisationId, r.payload, now]),
      )),
    );
  }
  const positions = new Map(inserted.map((r) => [r.id, r.position]));
  // Of a lane's new deliveries only the first can be due (and only if the lane has no pending one).
  const seen = new Set<string>();
  const deliveries = rows.map((r) => {
    const lane = `${r.aggregateType}:${r.aggregateId}`;
    const firstInLane = !seen.has(lane);
    seen.add(lane);
    return { position: positions.get(r.id)!, lane, firstInLane: firstInLane ? 1 : 0 };
  });
  let changes = 0;
  for (const endpoint of await tx.all<{ id: string }>("SELECT id FROM webhook_endpoints WHERE state != 'disabled'")) {
    for (let i = 0; i < deliveries.length; i += 500) {
      const part = deliveries.slice(i, i + 500);
      const written = await tx.run(
        `INSERT INTO webhook_deliveries (event_position, endpoint_id, lane, state, next_attempt_at, created_at) VALUES ${part
          .map(
            () =>
              `(?, ?, ?, 'pending', CASE WHEN ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = ? AND p.lane = ? AND p.state = 'pending') THEN ? END, ?)`,
          )
          .join(', ')}`,
        part.flatMap((d) => [d.position, endpoint.id, d.lane, d.firstInLane, endpoint.id, d.lane, now, now]),
      );
      changes += written.changes;
    }
  }
  if (changes > 0) tx.afterCommit(wakeDispatcher);
  return rows.map((r) => ({ id: r.id, position: positions.get(r.id)!, aggregateSeq: r.seq }));
}
