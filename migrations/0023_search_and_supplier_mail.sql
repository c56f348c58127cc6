-- Daily work (issue 13): the header search and the mails that tell suppliers what happened to
-- their submissions. Forward-only: never edit this file once applied; add 0024_… instead.

-- The header search looks a record up by its number, exactly or by the start of it, across what
-- the caller may see (a manufacturer: every organisation): each of these is an index range, not
-- a scan. (lots(gtin, lot), purchase_orders.po_number, recalls.recall_number, items.gtin and
-- shipment_lines(gtin, lot) have theirs already.)
CREATE INDEX lots_by_lot ON lots(lot);
CREATE INDEX certificates_by_number ON certificates(number);
CREATE INDEX invoices_by_number ON invoices(invoice_number);
CREATE INDEX purchase_order_lines_by_gtin ON purchase_order_lines(gtin);
CREATE INDEX shipment_lines_by_lot ON shipment_lines(lot);

-- The language a user last chose in the portal: the mails written to that user alone are in it.
-- NULL: never chosen since this column exists (those mails are in English).
ALTER TABLE users ADD COLUMN locale TEXT;

-- A supplier's user is mailed when QA decides on a certificate or accounts payable disputes or
-- pays an invoice of the organisation, unless the user turned that off on the account page.
ALTER TABLE users ADD COLUMN submission_mail INTEGER NOT NULL DEFAULT 1 CHECK (submission_mail IN (0, 1));
