-- E-invoices submitted by suppliers against purchase orders. Amounts are decimal strings
-- (money is never a float); the arithmetic is checked by shared/invoices/money.ts before a
-- row is written. The ERP's status of an invoice stays in invoice_status_updates, keyed by
-- supplier organisation + invoice number (the ERP may report on invoices that came in by
-- another door).

CREATE TABLE invoices (
  id                        TEXT PRIMARY KEY,
  organisation_id           TEXT NOT NULL REFERENCES organisations(id),   -- the supplier
  invoice_number            TEXT NOT NULL,
  invoice_date              TEXT NOT NULL,
  due_date                  TEXT NOT NULL,
  currency                  TEXT NOT NULL,                                -- ISO 4217
  payment_terms             TEXT NOT NULL DEFAULT '',
  purchase_order_id         TEXT NOT NULL REFERENCES purchase_orders(id),
  net_total                 TEXT NOT NULL,
  tax_total                 TEXT NOT NULL,
  gross_total               TEXT NOT NULL,
  tax_breakdown             TEXT NOT NULL,                                -- JSON [{rate, taxableAmount, taxAmount}]
  state                     TEXT NOT NULL CHECK (state IN ('submitted')),
  record_hash               TEXT NOT NULL,
  submitted_by              TEXT NOT NULL REFERENCES users(id),
  submitted_at              TEXT NOT NULL,
  UNIQUE (organisation_id, invoice_number)
);
CREATE INDEX invoices_by_purchase_order ON invoices(purchase_order_id);
CREATE INDEX invoices_by_submitted ON invoices(submitted_at);

CREATE TABLE invoice_lines (
  invoice_id      TEXT NOT NULL REFERENCES invoices(id),
  line_number     INTEGER NOT NULL,
  po_line_number  INTEGER NOT NULL,
  gtin            TEXT NOT NULL,
  description     TEXT NOT NULL DEFAULT '',
  quantity        TEXT NOT NULL,
  unit_price      TEXT NOT NULL,
  tax_rate        TEXT NOT NULL,                                          -- percent
  line_net        TEXT NOT NULL,
  PRIMARY KEY (invoice_id, line_number)
);

-- A submitted invoice is a record: never edited in place.
CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices BEGIN SELECT RAISE(ABORT, 'invoices are never deleted'); END;
CREATE TRIGGER invoice_lines_no_update BEFORE UPDATE ON invoice_lines BEGIN SELECT RAISE(ABORT, 'invoice lines are never edited'); END;
CREATE TRIGGER invoice_lines_no_delete BEFORE DELETE ON invoice_lines BEGIN SELECT RAISE(ABORT, 'invoice lines are never deleted'); END;
CREATE TRIGGER invoices_content_fixed BEFORE UPDATE OF organisation_id, invoice_number, invoice_date, due_date, currency, payment_terms, purchase_order_id,
  net_total, tax_total, gross_total, tax_breakdown, record_hash, submitted_by, submitted_at ON invoices
BEGIN SELECT RAISE(ABORT, 'invoice content is never edited'); END;
