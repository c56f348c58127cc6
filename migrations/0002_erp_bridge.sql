-- ERP bridge: outbound webhook endpoints and deliveries; inbound ERP events and the records
-- they carry (items, purchase orders, invoice status, shipments, recalls).

ALTER TABLE organisations ADD COLUMN erp_id TEXT;     -- the ERP's supplier / customer number
CREATE UNIQUE INDEX organisations_by_erp_id ON organisations(erp_id) WHERE erp_id IS NOT NULL;

CREATE TABLE webhook_endpoints (
  id               TEXT PRIMARY KEY,
  url              TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL CHECK (state IN ('active', 'paused', 'disabled')),
  state_reason     TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);

-- Signing secrets; during rotation the old one has an expires_at and both are used to sign.
CREATE TABLE webhook_secrets (
  id           TEXT PRIMARY KEY,
  endpoint_id  TEXT NOT NULL REFERENCES webhook_endpoints(id),
  secret       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT
);
CREATE INDEX webhook_secrets_by_endpoint ON webhook_secrets(endpoint_id);

-- One row per (event, endpoint). Pending rows of one endpoint and aggregate (the lane) are
-- delivered strictly in event order: only a lane's head (its oldest pending row) has a
-- next_attempt_at; the rows behind it wait with NULL until it completes.
CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  event_position   INTEGER NOT NULL REFERENCES outbox(position),
  endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints(id),
  lane             TEXT NOT NULL,                 -- "<aggregate_type>:<aggregate_id>"
  state            TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'exhausted')),
  attempts         INTEGER NOT NULL DEFAULT 0,    -- every attempt ever, numbered on
  retry_base       INTEGER NOT NULL DEFAULT 0,    -- attempts before the last replay: the schedule restarts there
  next_attempt_at  TEXT,
  last_status      INTEGER,
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  completed_at     TEXT,
  UNIQUE (event_position, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_lane ON webhook_deliveries(endpoint_id, lane, event_position) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_state ON webhook_deliveries(state, id);

CREATE TABLE webhook_attempts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id       INTEGER NOT NULL REFERENCES webhook_deliveries(id),
  attempt           INTEGER NOT NULL,
  started_at        TEXT NOT NULL,
  status            INTEGER,                      -- NULL: no HTTP answer (timeout, refused)
  latency_ms        REAL NOT NULL,
  response_excerpt  TEXT,
  error             TEXT
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts(delivery_id);

-- Every accepted inbound event, keyed by its webhook-id: a replay is answered, not re-applied.
CREATE TABLE erp_inbound_events (
  webhook_id   TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  sent_at      TEXT NOT NULL,                     -- the ERP's webhook-timestamp
  received_at  TEXT NOT NULL,
  payload      TEXT NOT NULL,
  outcome      TEXT NOT NULL                      -- JSON: what the event changed
);

CREATE TABLE items (
  gtin             TEXT PRIMARY KEY,              -- GTIN-14, check digit verified
  erp_item_id      TEXT,
  description      TEXT NOT NULL,
  unit_of_measure  TEXT NOT NULL,
  device_class     TEXT,
  updated_at       TEXT NOT NULL
);

CREATE TABLE purchase_orders (
  id                        TEXT PRIMARY KEY,
  po_number                 TEXT NOT NULL UNIQUE,
  supplier_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  status                    TEXT NOT NULL,
  currency                  TEXT NOT NULL,
  order_date                TEXT NOT NULL,
  version                   INTEGER NOT NULL,
  updated_at                TEXT NOT NULL
);
CREATE INDEX purchase_orders_by_supplier ON purchase_orders(supplier_organisation_id);

CREATE TABLE purchase_order_lines (
  purchase_order_id  TEXT NOT NULL REFERENCES purchase_orders(id),
  line_number        INTEGER NOT NULL,
  gtin               TEXT NOT NULL,
  quantity           INTEGER NOT NULL,
  unit_price         TEXT NOT NULL,               -- decimal as text: money is never a float
  delivery_date      TEXT,
  PRIMARY KEY (purchase_order_id, line_number)
);

CREATE TABLE invoice_status_updates (
  id                        TEXT PRIMARY KEY,
  invoice_number            TEXT NOT NULL,
  supplier_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  status                    TEXT NOT NULL,
  reason                    TEXT,
  paid_on                   TEXT,
  occurred_at               TEXT NOT NULL,
  received_at               TEXT NOT NULL
);
CREATE INDEX invoice_status_updates_by_invoice ON invoice_status_updates(supplier_organisation_id, invoice_number);

-- Manufacturer → distributor shipments: the trace base for recalls.
CREATE TABLE shipments (
  id                           TEXT PRIMARY KEY,
  shipment_number              TEXT NOT NULL UNIQUE,
  distributor_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  dispatched_at                TEXT NOT NULL,
  received_at                  TEXT NOT NULL
);
CREATE INDEX shipments_by_distributor ON shipments(distributor_organisation_id);

CREATE TABLE shipment_lines (
  shipment_id  TEXT NOT NULL REFERENCES shipments(id),
  line_number  INTEGER NOT NULL,
  gtin         TEXT NOT NULL,
  lot          TEXT,
  serials      TEXT NOT NULL,                     -- JSON array, may be empty
  quantity     INTEGER NOT NULL,
  expiry_date  TEXT,
  PRIMARY KEY (shipment_id, line_number)
);
CREATE INDEX shipment_lines_by_gtin_lot ON shipment_lines(gtin, lot);

CREATE TABLE recalls (
  id             TEXT PRIMARY KEY,
  recall_number  TEXT NOT NULL UNIQUE,
  source         TEXT NOT NULL CHECK (source IN ('erp', 'portal')),
  state          TEXT NOT NULL,
  payload        TEXT NOT NULL,                   -- JSON as issued; the recall issue builds on it
  issued_at      TEXT NOT NULL,
  received_at    TEXT NOT NULL
);
