-- Supplier scorecards (issue 18): the measures are computed from the records Lotbridge already
-- holds (lots against purchase order lines, lot_inspections, certificates, invoices with the ERP's
-- invoice_status_updates, scar_steps); only QA's weights are stored. Forward-only.

-- QA's weights of the overall score, one row per signed decision; the newest row is in force and
-- the older ones are the history (besides the audit trail). Never edited, never deleted.
CREATE TABLE scorecard_weights (
  id            TEXT PRIMARY KEY,
  on_time       INTEGER NOT NULL CHECK (on_time BETWEEN 0 AND 100),
  acceptance    INTEGER NOT NULL CHECK (acceptance BETWEEN 0 AND 100),
  certificates  INTEGER NOT NULL CHECK (certificates BETWEEN 0 AND 100),
  invoices      INTEGER NOT NULL CHECK (invoices BETWEEN 0 AND 100),
  scar          INTEGER NOT NULL CHECK (scar BETWEEN 0 AND 100),
  reason        TEXT NOT NULL,
  set_by        TEXT NOT NULL REFERENCES users(id),
  set_at        TEXT NOT NULL,
  signature_id  TEXT NOT NULL REFERENCES signatures(id),
  record_hash   TEXT NOT NULL,
  CHECK (on_time + acceptance + certificates + invoices + scar > 0)
);
CREATE INDEX scorecard_weights_by_time ON scorecard_weights(set_at);
CREATE TRIGGER scorecard_weights_no_update BEFORE UPDATE ON scorecard_weights
BEGIN SELECT RAISE(ABORT, 'scorecard weights are never edited: set new ones'); END;
CREATE TRIGGER scorecard_weights_no_delete BEFORE DELETE ON scorecard_weights
BEGIN SELECT RAISE(ABORT, 'scorecard weights are kept: DELETE refused'); END;

-- A supplier's invoices by submission time (invoice first-pass accuracy per period).
CREATE INDEX invoices_by_organisation_submitted ON invoices(organisation_id, submitted_at);
-- QA's ranking reads every supplier's records of a period: lots by submission time with what the
-- on-time measure needs, inspections by decision time, the ERP's statuses of an invoice without
-- reading the table (npm run bench -- scorecards: the ranking of a quarter for 500 suppliers went
-- from about 1.05 s to 0.76 s median on a loaded machine).
CREATE INDEX lots_by_submitted ON lots(submitted_at, organisation_id, purchase_order_id, po_line_number);
CREATE INDEX lot_inspections_by_decided ON lot_inspections(decided_at, lot_id, outcome);
CREATE INDEX invoice_status_updates_by_status ON invoice_status_updates(supplier_organisation_id, invoice_number, status);
