-- Several instances on one database: each background pass and each piece of background work is
-- claimed in the database, so two instances never do it at once and a dead instance's claim
-- runs out (shared/scheduling/lease.ts). Webhook deliveries, mail and async MDNs are claimed by
-- pushing their next attempt a lease ahead; outbound AS2 messages by state 'sending' with
-- lease_until. Forward-only: never edit this file once applied.

-- A periodic pass (certificate expiry, recall follow-ups, audit check, ORDERS to EDI partners):
-- one instance at a time; `holder` names the instance, `lease_until` when the claim runs out.
CREATE TABLE background_leases (
  name         TEXT PRIMARY KEY,
  holder       TEXT NOT NULL,
  lease_until  TEXT NOT NULL
);

-- An inbound EDIFACT payload being processed: claimed until edifact_lease_until; failures
-- counted here (not in one instance's memory) so that the limit holds across instances.
ALTER TABLE as2_messages ADD COLUMN edifact_lease_until TEXT;
ALTER TABLE as2_messages ADD COLUMN edifact_attempts INTEGER NOT NULL DEFAULT 0;
