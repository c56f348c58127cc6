import { partnerEventTypeNames } from './partner-events.ts';

/** SQL expressions of an event's routing facts (outbox columns, or the values about to become them). */
export interface RoutedEvent {
  type: string;
  organisationId: string;
  partnerOnly: string;
  endpointId: string;
}

/** The outbox row `o`'s routing facts. */
export const outboxRow = (o: string): RoutedEvent => ({
  type: `${o}.event_type`,
  organisationId: `${o}.organisation_id`,
  partnerOnly: `${o}.partner_only`,
  endpointId: `${o}.endpoint_id`,
});

const partnerTypes = partnerEventTypeNames.map((t) => `'${t}'`).join(', ');

/**
 * Whether endpoint `w` (an alias of webhook_endpoints) is to receive event `e`, as one SQL
 * condition, the single place this is decided (enqueue, an ERP endpoint's backfill, a resumed
 * endpoint's catch-up):
 * - a test event for one endpoint goes to that endpoint alone;
 * - an ERP endpoint (no organisation) gets every event but those written for partners only;
 * - a partner endpoint gets an event of its own organisation whose type is partner-visible and
 *   which it subscribed to.
 */
export function receivesSql(w: string, e: RoutedEvent): string {
  return `(CASE WHEN ${e.endpointId} IS NOT NULL THEN ${w}.id = ${e.endpointId}
         WHEN ${w}.organisation_id IS NULL THEN ${e.partnerOnly} = 0
         ELSE ${w}.organisation_id = ${e.organisationId} AND ${e.type} IN (${partnerTypes})
              AND ${e.type} IN (SELECT value FROM json_each(${w}.event_types)) END)`;
}

/**
 * SQL: event `o` is one the ERP has not got: no ERP endpoint (one without an organisation) has a
 * delivery of it. Partner endpoints' deliveries do not count.
 */
export function waitingForErp(o: string): string {
  return `${o}.partner_only = 0 AND ${o}.endpoint_id IS NULL AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries AS wd JOIN webhook_endpoints AS we ON we.id = wd.endpoint_id AND we.organisation_id IS NULL
             WHERE wd.event_position = ${o}.position)`;
}
