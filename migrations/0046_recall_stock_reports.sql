-- A distributor's stock report on a recall notice (issue 17): on hand and quarantined per
-- affected lot, as its own system (a WMS over the REST API) knows them. It is no reply: the
-- signed acknowledgement stays a person's act in the portal. Each report is a new version, kept
-- as given; the recall page and the reply form show the latest.
-- Forward-only: never edit this file once applied.

CREATE TABLE recall_stock_reports (
  id                           TEXT PRIMARY KEY,
  notice_id                    TEXT NOT NULL REFERENCES recall_notices(id),
  recall_id                    TEXT NOT NULL REFERENCES recalls(id),
  distributor_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  version                      INTEGER NOT NULL CHECK (version >= 1),
  source                       TEXT NOT NULL CHECK (source IN ('api')),  -- where the report came from
  lots                         TEXT NOT NULL,  -- JSON [{ gtin, lot, onHand, quarantined }], quarantined <= onHand
  reported_by                  TEXT NOT NULL REFERENCES users(id),
  reported_at                  TEXT NOT NULL,
  UNIQUE (notice_id, version)
);

CREATE TRIGGER recall_stock_reports_no_update BEFORE UPDATE ON recall_stock_reports
BEGIN SELECT RAISE(ABORT, 'stock reports are kept as given: a new report is a new version'); END;
CREATE TRIGGER recall_stock_reports_no_delete BEFORE DELETE ON recall_stock_reports
BEGIN SELECT RAISE(ABORT, 'stock reports are kept: DELETE refused'); END;
-- A closed recall takes no new records (as 0035 for the others).
CREATE TRIGGER recall_stock_reports_open_recall BEFORE INSERT ON recall_stock_reports
WHEN (SELECT state FROM recalls WHERE id = NEW.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its records are frozen'); END;
