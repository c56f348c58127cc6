-- Partner webhook endpoints (issue 17): a supplier or distributor subscribes its own endpoints,
-- through the REST API, to the events that concern it. Forward-only: never edit this file once applied.

-- The organisation that owns an endpoint. NULL: the manufacturer's ERP endpoints, which receive
-- every event exactly as before.
ALTER TABLE webhook_endpoints ADD COLUMN organisation_id TEXT REFERENCES organisations(id);
-- A partner endpoint's subscription: a JSON array of partner event types (NULL for ERP endpoints).
ALTER TABLE webhook_endpoints ADD COLUMN event_types TEXT;
-- A partner deleted the endpoint: it is disabled for good and no longer listed (its deliveries stay
-- in the log).
ALTER TABLE webhook_endpoints ADD COLUMN deleted_at TEXT;
CREATE INDEX webhook_endpoints_by_organisation ON webhook_endpoints(organisation_id, created_at) WHERE organisation_id IS NOT NULL;

-- 1: written for the concerned partner's endpoints only; ERP endpoints never get it (the ERP
-- knows the same in its own form: it sent the invoice status, it has the recall's revision event).
ALTER TABLE outbox ADD COLUMN partner_only INTEGER NOT NULL DEFAULT 0 CHECK (partner_only IN (0, 1));
-- Set for a test event a partner sent to one of its endpoints: only that endpoint gets it.
ALTER TABLE outbox ADD COLUMN endpoint_id TEXT;
