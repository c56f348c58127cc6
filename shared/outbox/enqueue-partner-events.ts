import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { enqueueEvents, type OutboxEvent } from './enqueue-event.ts';

/**
 * Events for partners only (outbox.partner_only): news the ERP already has in its own form (the
 * invoice status it reported itself, one revision event per recall), told to each concerned
 * partner in the partner's terms. Their own aggregate, so the ERP's per-aggregate sequence
 * numbers keep no gaps. Written only for an organisation with an endpoint subscribed to the
 * type: an event nobody may receive is not kept (partner endpoints start from their creation).
 */
export async function enqueuePartnerEvents(tx: Tx, clock: Clock, events: (OutboxEvent & { organisationId: string })[]): Promise<void> {
  if (events.length === 0) return;
  const wanted = await tx.all<{ organisation_id: string; type: string }>(
    `SELECT DISTINCT w.organisation_id, t.value AS type
       FROM webhook_endpoints AS w JOIN json_each(w.event_types) AS t
      WHERE w.state != 'disabled' AND w.organisation_id IN (SELECT value ->> '$.organisationId' FROM json_each(?))`,
    [JSON.stringify(events.map((e) => ({ organisationId: e.organisationId })))],
  );
  const subscribed = new Set(wanted.map((w) => `${w.organisation_id} ${w.type}`));
  await enqueueEvents(
    tx,
    clock,
    events.filter((e) => subscribed.has(`${e.organisationId} ${e.type}`)).map((e) => ({ ...e, partnerOnly: true })),
  );
}
