-- Consignee resolution at scale (issue 16): a recall of 200 lots over 10 M shipment lines
-- matches some 400,000 lines. Found through (gtin, lot) alone, each line cost a lookup in the
-- table for its shipment, quantity and serials, and each shipment one more for its
-- distributor: random reads that dominated the resolution. Both indexes now carry what the
-- resolution reads, so it reads them alone. The lot index keeps its name (resolve-consignees.ts
-- and verify-record-hashes.ts name it) and its leading columns; it gains the rest.
-- Forward-only: never edit this file once applied.
DROP INDEX shipment_lines_by_gtin_lot;
CREATE INDEX shipment_lines_by_gtin_lot ON shipment_lines(gtin, lot, shipment_id, quantity, serials);
CREATE INDEX shipments_distributor_by_id ON shipments(id, distributor_organisation_id);
