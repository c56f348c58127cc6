-- Business documents partners send over EDI that are records of their own (not lots or
-- invoices, which have their tables): a supplier's answer to our purchase order (ORDRSP), a
-- distributor's receiving advice for our shipment (RECADV) and a distributor's purchase order
-- to us (ORDERS). One table: the header fields every kind has are columns, the lines (which
-- differ by kind) are JSON as mapped. A document number is recorded once per partner
-- organisation and kind; what was received is never edited or deleted.
CREATE TABLE edi_documents (
  id                 TEXT PRIMARY KEY,
  kind               TEXT NOT NULL CHECK (kind IN ('purchase_order_response', 'receiving_advice', 'sales_order')),
  organisation_id    TEXT NOT NULL REFERENCES organisations(id),      -- the partner organisation that sent it
  document_number    TEXT NOT NULL,                                   -- BGM 1004
  document_date      TEXT,                                            -- DTM+137, YYYY-MM-DD
  -- ORDRSP: the purchase order answered; RECADV: the shipment received; ORDERS: NULL.
  refers_to_type     TEXT CHECK (refers_to_type IS NULL OR refers_to_type IN ('purchase_order', 'shipment')),
  refers_to_id       TEXT,
  status             TEXT NOT NULL,                                   -- ORDRSP: accepted/changed/rejected; RECADV: complete/discrepancies; ORDERS: received
  lines              TEXT NOT NULL DEFAULT '[]',                      -- JSON, per kind (see shared/edi-inbound/*-message.ts)
  interchange_id     TEXT NOT NULL REFERENCES edi_interchanges(id),
  message_reference  TEXT NOT NULL,                                   -- UNH 0062
  received_by        TEXT NOT NULL REFERENCES users(id),              -- the partner's technical user
  received_at        TEXT NOT NULL,
  CHECK ((refers_to_type IS NULL) = (refers_to_id IS NULL)),
  UNIQUE (kind, organisation_id, document_number)
);
CREATE INDEX edi_documents_by_organisation ON edi_documents(organisation_id, received_at);
CREATE INDEX edi_documents_by_reference ON edi_documents(refers_to_type, refers_to_id) WHERE refers_to_id IS NOT NULL;

CREATE TRIGGER edi_documents_no_update BEFORE UPDATE ON edi_documents
BEGIN SELECT RAISE(ABORT, 'a received EDI document is never edited'); END;
CREATE TRIGGER edi_documents_no_delete BEFORE DELETE ON edi_documents
BEGIN SELECT RAISE(ABORT, 'received EDI documents are kept: DELETE refused'); END;
