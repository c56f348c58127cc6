-- Lots may come from the partner REST API (/api/v1, issue 17): lots.source gains 'api'.
-- SQLite cannot change a CHECK in place, so the table is rebuilt as 0015_lot_source_edifact.sql
-- rebuilt it: lots_new with the columns and constraints of 0015 and the widened CHECK, rows
-- copied as they are, the old table dropped, the new one renamed, and every index and trigger
-- made again: those of 0006 (as 0015 made them), lots_by_lot of 0023 and lots_flag_candidates of
-- 0041, each as it was.
-- Foreign keys: no table references lots, so dropping it deletes nothing elsewhere (and its
-- triggers are dropped before DROP TABLE's implicit delete, so lots_no_delete does not fire);
-- the copied rows keep references already valid. The migration runs in one transaction, where
-- PRAGMA foreign_keys cannot be changed, so it is left as it is.
CREATE TABLE lots_new (
  id                     TEXT PRIMARY KEY,
  organisation_id        TEXT NOT NULL REFERENCES organisations(id),       -- the supplier
  purchase_order_id      TEXT REFERENCES purchase_orders(id),
  po_line_number         INTEGER,
  gtin                   TEXT NOT NULL,                                     -- GTIN-14, check digit verified
  lot                    TEXT NOT NULL,                                     -- GS1 AI (10), 1 to 20 characters
  serials                TEXT NOT NULL DEFAULT '[]',                        -- JSON array of AI (21) serials, may be empty
  manufacture_date       TEXT,                                              -- YYYY-MM-DD
  expiry_date            TEXT,                                              -- YYYY-MM-DD
  quantity               INTEGER NOT NULL CHECK (quantity >= 1),
  certificate_series_id  TEXT,                                              -- a CoC / CoA (certificates.series_id) of the same supplier
  certificate_note       TEXT,                                              -- or a note about it
  source                 TEXT NOT NULL CHECK (source IN ('form', 'csv', 'barcode', 'edifact', 'api')),
  state                  TEXT NOT NULL CHECK (state IN ('submitted')),
  submitted_by           TEXT NOT NULL REFERENCES users(id),
  submitted_at           TEXT NOT NULL,
  record_hash            TEXT NOT NULL,                                     -- SHA-256 of the content as submitted
  CHECK ((purchase_order_id IS NULL) = (po_line_number IS NULL)),
  UNIQUE (organisation_id, gtin, lot)
);
INSERT INTO lots_new (id, organisation_id, purchase_order_id, po_line_number, gtin, lot, serials, manufacture_date, expiry_date, quantity,
                      certificate_series_id, certificate_note, source, state, submitted_by, submitted_at, record_hash)
SELECT id, organisation_id, purchase_order_id, po_line_number, gtin, lot, serials, manufacture_date, expiry_date, quantity,
       certificate_series_id, certificate_note, source, state, submitted_by, submitted_at, record_hash
FROM lots;
DROP TABLE lots;
ALTER TABLE lots_new RENAME TO lots;
CREATE INDEX lots_by_organisation ON lots(organisation_id, submitted_at);
CREATE INDEX lots_by_po_line ON lots(purchase_order_id, po_line_number);
CREATE INDEX lots_by_gtin_lot ON lots(gtin, lot);
CREATE INDEX lots_by_lot ON lots(lot);
CREATE INDEX lots_flag_candidates ON lots(organisation_id, submitted_at)
  WHERE purchase_order_id IS NOT NULL OR certificate_series_id IS NOT NULL;
CREATE TRIGGER lots_content_fixed
BEFORE UPDATE OF id, organisation_id, purchase_order_id, po_line_number, gtin, lot, serials, manufacture_date, expiry_date, quantity,
                 certificate_series_id, certificate_note, source, submitted_by, submitted_at, record_hash ON lots
BEGIN SELECT RAISE(ABORT, 'a lot record is never edited'); END;
CREATE TRIGGER lots_no_delete BEFORE DELETE ON lots
BEGIN SELECT RAISE(ABORT, 'lot records are kept: DELETE refused'); END;
