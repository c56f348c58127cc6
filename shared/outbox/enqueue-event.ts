import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import { wakeDispatcher } from '../webhooks/wake-up.ts';
import { receivesSql } from '../webhooks/routing.ts';

export interface OutboxEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  /** The organisation the event concerns: a partner endpoint of it may receive it (webhooks/routing.ts). */
  organisationId: string | null;
  data: Record<string, unknown>;
  /** For the concerned partner's endpoints only, never the ERP's (see enqueuePartnerEvent). */
  partnerOnly?: boolean;
  /** A test event for this one endpoint. */
  endpointId?: string;
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
 * not disabled and is to receive it (webhooks/routing.ts: every ERP endpoint, and the
 * subscribed endpoints of the partner it concerns); with no ERP endpoint configured the event
 * waits for the first one (see create-webhook-endpoint.ts).
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
    rows.push({
      id: newId('msg'),
      type: e.type,
      aggregateType: e.aggregateType,
      aggregateId: e.aggregateId,
      seq,
      organisationId: e.organisationId,
      payload: JSON.stringify(e.data),
      partnerOnly: e.partnerOnly ? 1 : 0,
      endpointId: e.endpointId ?? null,
    });
  }
  // Set-based, whatever the number: the rows go in as ONE JSON parameter (a Durable Object's SQL
  // binds at most 100 parameters a statement, and one statement costs the same for 1 row or 20,000).
  const inserted = await tx.all<{ id: string; position: number }>(
    `INSERT INTO outbox (id, event_type, aggregate_type, aggregate_id, aggregate_seq, organisation_id, payload, occurred_at, partner_only, endpoint_id)
     SELECT e.value ->> '$.id', e.value ->> '$.type', e.value ->> '$.aggregateType', e.value ->> '$.aggregateId', e.value ->> '$.seq',
            e.value ->> '$.organisationId', e.value ->> '$.payload', ?, e.value ->> '$.partnerOnly', e.value ->> '$.endpointId'
       FROM json_each(?) AS e ORDER BY e.key
     RETURNING id, position`,
    [now, JSON.stringify(rows)],
  );
  const positions = new Map(inserted.map((r) => [r.id, r.position]));
  // Of an endpoint's new deliveries in a lane only the first can be due (and only if the lane had
  // no pending one before this statement: SQLite reads an INSERT … SELECT from its own table before
  // it writes). First per endpoint, not per batch: a partner endpoint may get only a later event of
  // a lane (one consignee's notice among a recall's).
  const deliveries = rows.map((r) => ({
    position: positions.get(r.id)!,
    lane: `${r.aggregateType}:${r.aggregateId}`,
    type: r.type,
    organisationId: r.organisationId,
    partnerOnly: r.partnerOnly,
    endpointId: r.endpointId,
  }));
  const { changes } = await tx.run(
    `INSERT INTO webhook_deliveries (event_position, endpoint_id, lane, state, next_attempt_at, created_at)
     SELECT d.value ->> '$.position', w.id, d.value ->> '$.lane', 'pending',
            CASE WHEN ROW_NUMBER() OVER (PARTITION BY w.id, d.value ->> '$.lane' ORDER BY d.key) = 1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries AS p WHERE p.endpoint_id = w.id AND p.lane = d.value ->> '$.lane' AND p.state = 'pending') THEN ? END, ?
       FROM webhook_endpoints AS w CROSS JOIN json_each(?) AS d
      WHERE w.state != 'disabled'
        AND ${receivesSql('w', { type: "d.value ->> '$.type'", organisationId: "d.value ->> '$.organisationId'", partnerOnly: "d.value ->> '$.partnerOnly'", endpointId: "d.value ->> '$.endpointId'" })}
      ORDER BY w.rowid, d.key`,
    [now, now, JSON.stringify(deliveries)],
  );
  if (changes > 0) tx.afterCommit(wakeDispatcher);
  return rows.map((r) => ({ id: r.id, position: positions.get(r.id)!, aggregateSeq: r.seq }));
}
