-- Recall consignees: every distributor that received an affected unit, per affected (GTIN, lot),
-- with the quantity and the serials shipped to it. Resolved from shipment_lines when the recall
-- is recorded (source 'shipments'), or added by manufacturer QA (source 'manual').

CREATE TABLE recall_consignees (
  id                           INTEGER PRIMARY KEY AUTOINCREMENT,
  recall_id                    TEXT NOT NULL REFERENCES recalls(id),
  distributor_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  gtin                         TEXT NOT NULL,     -- GTIN-14
  lot                          TEXT,              -- NULL: units shipped without a lot (serials only)
  quantity_shipped             INTEGER NOT NULL CHECK (quantity_shipped >= 0),
  serials                      TEXT NOT NULL DEFAULT '[]',  -- JSON array of the affected serials shipped
  source                       TEXT NOT NULL CHECK (source IN ('shipments', 'manual')),
  added_at                     TEXT NOT NULL,
  added_by                     TEXT               -- the user who added a manual row; NULL when resolved
);
-- One row per recall, distributor and affected (GTIN, lot); a missing lot counts as one key.
CREATE UNIQUE INDEX recall_consignees_key ON recall_consignees(recall_id, distributor_organisation_id, gtin, ifnull(lot, ''));
CREATE INDEX recall_consignees_by_distributor ON recall_consignees(distributor_organisation_id, recall_id);

-- Resolution by expiry range (lots are found through shipment_lines_by_gtin_lot from 0002).
CREATE INDEX shipment_lines_by_gtin_expiry ON shipment_lines(gtin, expiry_date) WHERE expiry_date IS NOT NULL;
