import type { UseCaseContext } from '../context.ts';
import { authoriseOperator, type Operator } from '../auth/operator.ts';
import { problem, refusal } from '../errors.ts';

export interface DeliveryFilter {
  endpointId?: string;
  state?: 'pending' | 'succeeded' | 'exhausted';
  eventType?: string;
  /** occurred_at range, ISO 8601. */
  from?: string;
  to?: string;
  beforeId?: number;
  limit?: number;
}

export interface DeliveryView {
  id: number;
  endpointId: string;
  webhookId: string;
  eventType: string;
  aggregate: string;
  sequence: number;
  occurredAt: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  /** Null while the delivery waits behind an earlier one of its aggregate. */
  nextAttemptAt: string | null;
  completedAt: string | null;
  history: { attempt: number; startedAt: string; status: number | null; latencyMs: number; responseExcerpt: string | null; error: string | null }[];
}

/** A date-time filter as stored (ISO 8601 UTC); a value without a zone is read as UTC. */
export function instant(value: string | undefined, field: string): string | undefined {
  if (!value) return undefined;
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const t = Date.parse(zoned);
  if (Number.isNaN(t)) throw refusal('invalid_input', `${field} is not a date-time`, { [field]: problem('common.badDateTime') });
  return new Date(t).toISOString();
}

/** The delivery log of the ERP's endpoints, newest first, with every attempt of each delivery. */
export async function listWebhookDeliveries(ctx: UseCaseContext, by: Operator, filter: DeliveryFilter = {}): Promise<{ deliveries: DeliveryView[]; nextBeforeId: number | null }> {
  authoriseOperator(by);
  // The ERP's endpoints' deliveries: partners' own endpoints are theirs (list-partner-webhook-endpoints.ts).
  const where: string[] = ['d.endpoint_id IN (SELECT id FROM webhook_endpoints WHERE organisation_id IS NULL)'];
  const args: (string | number)[] = [];
  const add = (sql: string, value: string | number | undefined) => {
    if (value === undefined || value === '') return;
    where.push(sql);
    args.push(value);
  };
  add('d.endpoint_id = ?', filter.endpointId);
  add('d.state = ?', filter.state);
  add('o.event_type = ?', filter.eventType);
  add('o.occurred_at >= ?', instant(filter.from, 'from'));
  add('o.occurred_at <= ?', instant(filter.to, 'to'));
  add('d.id < ?', filter.beforeId);
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const rows = await ctx.db.all<{
    id: number; endpoint_id: string; webhook_id: string; event_type: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number;
    occurred_at: string; state: string; attempts: number; last_status: number | null; last_error: string | null; next_attempt_at: string | null; completed_at: string | null;
  }>(
    `SELECT d.id, d.endpoint_id, o.id AS webhook_id, o.event_type, o.aggregate_type, o.aggregate_id, o.aggregate_seq, o.occurred_at,
            d.state, d.attempts, d.last_status, d.last_error, d.next_attempt_at, d.completed_at
       FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position
      WHERE ${where.join(' AND ')}
      ORDER BY d.id DESC LIMIT ?`,
    [...args, limit + 1],
  );
  const page = rows.slice(0, limit);
  const attempts = await ctx.db.all<{ delivery_id: number; attempt: number; started_at: string; status: number | null; latency_ms: number; response_excerpt: string | null; error: string | null }>(
    'SELECT * FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_id, attempt',
    [JSON.stringify(page.map((r) => r.id))],
  );
  return {
    deliveries: page.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      webhookId: r.webhook_id,
      eventType: r.event_type,
      aggregate: `${r.aggregate_type}:${r.aggregate_id}`,
      sequence: r.aggregate_seq,
      occurredAt: r.occurred_at,
      state: r.state,
      attempts: r.attempts,
      lastStatus: r.last_status,
      lastError: r.last_error,
      nextAttemptAt: r.next_attempt_at,
      completedAt: r.completed_at,
      history: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({ attempt: a.attempt, startedAt: a.started_at, status: a.status, latencyMs: a.latency_ms, responseExcerpt: a.response_excerpt, error: a.error })),
    })),
    nextBeforeId: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}
