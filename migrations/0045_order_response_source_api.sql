-- A supplier may answer its purchase order through the partner REST API (/api/v1) as well as in
-- the portal and by EDI ORDRSP, through the same use case (shared/orders/respond-to-purchase-order.ts):
-- edi_documents.source gains 'api'. An API answer has no interchange, like a portal one, so the
-- CHECKs of 0025 hold as they are.
-- SQLite cannot widen a CHECK in place, so the table is rebuilt as 0025 rebuilt it: the new table
-- with the columns and constraints of 0025 but the widened source CHECK, rows copied, the old
-- table's triggers dropped first (so edi_documents_no_delete does not fire on DROP TABLE), the new
-- one renamed, and every index and trigger of 0025 made again. No table references edi_documents.
-- Forward-only: never edit this file once applied.
CREATE TABLE edi_documents_new (
  id                  TEXT PRIMARY KEY,
  kind                TEXT NOT NULL CHECK (kind IN ('purchase_order_response', 'receiving_advice', 'sales_order')),
  organisation_id     TEXT NOT NULL REFERENCES organisations(id),
  document_number     TEXT NOT NULL,
  document_date       TEXT,
  refers_to_type      TEXT CHECK (refers_to_type IS NULL OR refers_to_type IN ('purchase_order', 'shipment')),
  refers_to_id        TEXT,
  refers_to_version   INTEGER,                                         -- ORDRSP / portal answer: the purchase order version answered
  status              TEXT NOT NULL,
  lines               TEXT NOT NULL DEFAULT '[]',
  note                TEXT,                                            -- the supplier's note with an answer
  source              TEXT NOT NULL DEFAULT 'edifact' CHECK (source IN ('edifact', 'portal', 'api')),
  interchange_id      TEXT REFERENCES edi_interchanges(id),
  message_reference   TEXT,
  received_by         TEXT NOT NULL REFERENCES users(id),
  received_at         TEXT NOT NULL,
  CHECK ((refers_to_type IS NULL) = (refers_to_id IS NULL)),
  CHECK ((source = 'edifact') = (interchange_id IS NOT NULL AND message_reference IS NOT NULL)),
  CHECK (source = 'edifact' OR kind = 'purchase_order_response'),
  UNIQUE (kind, organisation_id, document_number)
);
INSERT INTO edi_documents_new (id, kind, organisation_id, document_number, document_date, refers_to_type, refers_to_id, refers_to_version, status, lines, note, source, interchange_id, message_reference, received_by, received_at)
SELECT id, kind, organisation_id, document_number, document_date, refers_to_type, refers_to_id, refers_to_version, status, lines, note, source, interchange_id, message_reference, received_by, received_at
FROM edi_documents;
DROP TRIGGER edi_documents_no_update;
DROP TRIGGER edi_documents_no_delete;
DROP TABLE edi_documents;
ALTER TABLE edi_documents_new RENAME TO edi_documents;
CREATE INDEX edi_documents_by_organisation ON edi_documents(organisation_id, received_at);
CREATE INDEX edi_documents_by_reference ON edi_documents(refers_to_type, refers_to_id) WHERE refers_to_id IS NOT NULL;
CREATE TRIGGER edi_documents_no_update BEFORE UPDATE ON edi_documents
BEGIN SELECT RAISE(ABORT, 'a received EDI document is never edited'); END;
CREATE TRIGGER edi_documents_no_delete BEFORE DELETE ON edi_documents
BEGIN SELECT RAISE(ABORT, 'received EDI documents are kept: DELETE refused'); END;
