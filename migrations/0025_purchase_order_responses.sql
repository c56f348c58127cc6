-- A supplier answers a purchase order in the portal as well as by EDI ORDRSP: both are the same
-- purchase_order_response record in edi_documents, made by one use case
-- (shared/orders/respond-to-purchase-order.ts). A portal answer has no interchange, so
-- interchange_id and message_reference may be NULL, and only then (source 'portal');
-- every answer may carry the supplier's note and records the order version it answered (an
-- order the ERP changed since the last answer is to confirm again).
-- SQLite cannot relax NOT NULL in place, so the table is rebuilt as 0015 rebuilt lots: the new
-- table with the columns and constraints of 0014 plus these, rows copied, the old table's
-- triggers dropped first (so edi_documents_no_delete does not fire on DROP TABLE), the new one
-- renamed, and every index and trigger of 0014 made again. No table references edi_documents.
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
  source              TEXT NOT NULL DEFAULT 'edifact' CHECK (source IN ('edifact', 'portal')),
  interchange_id      TEXT REFERENCES edi_interchanges(id),
  message_reference   TEXT,
  received_by         TEXT NOT NULL REFERENCES users(id),
  received_at         TEXT NOT NULL,
  CHECK ((refers_to_type IS NULL) = (refers_to_id IS NULL)),
  CHECK ((source = 'edifact') = (interchange_id IS NOT NULL AND message_reference IS NOT NULL)),
  CHECK (source = 'edifact' OR kind = 'purchase_order_response'),
  UNIQUE (kind, organisation_id, document_number)
);
INSERT INTO edi_documents_new (id, kind, organisation_id, document_number, document_date, refers_to_type, refers_to_id, status, lines, source, interchange_id, message_reference, received_by, received_at)
SELECT id, kind, organisation_id, document_number, document_date, refers_to_type, refers_to_id, status, lines, 'edifact', interchange_id, message_reference, received_by, received_at
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
