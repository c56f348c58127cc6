// The events a use case posted, as the ERP receives them: each outbox row as its webhook body,
// validated against the catalogue's schema.
import type { Db } from '../../shared/db/index.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';

export async function eventsOf(db: Db, type: string): Promise<Record<string, unknown>[]> {
  const rows = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
    'SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = ? ORDER BY position',
    [type],
  );
  return rows.map((r) => validateEvent(JSON.parse(webhookBody(r)), 'outbound').data);
}
