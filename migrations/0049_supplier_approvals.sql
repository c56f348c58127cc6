-- The approved supplier list (issue 18): who is approved to supply what, with the certificates
-- each approval requires. Forward-only: never edit this file once applied.

-- One row per supplier organisation and scope: one item (item_gtin, GTIN-14) or one item category
-- (item_category: the ERP's device class, items.device_class, as item.upserted fills it). An entry
-- for the item wins over one for its category. History: the audit trail and the signatures.
CREATE TABLE supplier_approvals (
  id                     TEXT PRIMARY KEY,
  supplier_id            TEXT NOT NULL REFERENCES organisations(id),
  item_gtin              TEXT,
  item_category          TEXT,
  status                 TEXT NOT NULL CHECK (status IN ('approved', 'conditional', 'disqualified', 'pending')),
  -- JSON array of certificate types (shared/certificates/kinds.ts). 'coc' / 'coa': every lot names an
  -- approved one; any other type: the supplier holds an approved version valid today.
  required_certificates  TEXT NOT NULL DEFAULT '[]',
  reason                 TEXT NOT NULL,
  -- Lotbridge's own reason as data (an automatic downgrade): a catalogue key and its parameters;
  -- `reason` then holds the English wording for the ERP and the audit trail.
  reason_code            TEXT,
  reason_params          TEXT,
  -- A user (QA's signed decision) or NULL for Lotbridge itself (an automatic downgrade).
  decided_by             TEXT REFERENCES users(id),
  decided_at             TEXT NOT NULL,
  signature_id           TEXT REFERENCES signatures(id),
  created_at             TEXT NOT NULL,
  CHECK ((item_gtin IS NULL) != (item_category IS NULL))
);
CREATE UNIQUE INDEX supplier_approvals_item ON supplier_approvals(supplier_id, item_gtin) WHERE item_gtin IS NOT NULL;
CREATE UNIQUE INDEX supplier_approvals_category ON supplier_approvals(supplier_id, item_category) WHERE item_category IS NOT NULL;
CREATE INDEX supplier_approvals_by_status ON supplier_approvals(status, supplier_id);

-- A lot flagged at submission by the approved supplier list: the reason as data (a problem code and
-- its parameters), never English. Beside the lot (whose record is never edited), one row per lot.
CREATE TABLE lot_approval_flags (
  lot_id      TEXT PRIMARY KEY REFERENCES lots(id),
  code        TEXT NOT NULL,
  params      TEXT NOT NULL DEFAULT '{}',
  flagged_at  TEXT NOT NULL
);

-- A purchase order from the ERP for an item its supplier is not approved for: QA's alert, one per
-- order and item (the event back to the ERP is sent once, when the row is made).
CREATE TABLE purchase_order_approval_alerts (
  id                 TEXT PRIMARY KEY,
  purchase_order_id  TEXT NOT NULL REFERENCES purchase_orders(id),
  gtin               TEXT NOT NULL,
  supplier_id        TEXT NOT NULL REFERENCES organisations(id),
  approval_id        TEXT NOT NULL REFERENCES supplier_approvals(id),
  status             TEXT NOT NULL,
  raised_at          TEXT NOT NULL,
  UNIQUE (purchase_order_id, gtin)
);
CREATE INDEX purchase_order_approval_alerts_by_time ON purchase_order_approval_alerts(raised_at);
