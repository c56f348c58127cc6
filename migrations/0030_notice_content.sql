-- Notices with everything the rules ask (issue 14, slice D; 21 CFR 7.49(c), MDCG 2023-3 FSN
-- template, EU MDR Art. 27 SRN). The manufacturer's contact for questions about a recall and its
-- Single Registration Number, set by the manufacturer's administrator (audited) and printed on
-- every notice whose recall names no contact of its own. The item master's trade name and
-- model/size (from the ERP's item.upserted), printed beside each GTIN / UDI-DI; a notice falls
-- back to items.description for the trade name. None of these is part of a signed record: a
-- recall's own contact, FSN reference and authorities are in recalls.payload (fixed by 0018).
ALTER TABLE organisations ADD COLUMN notice_contact_name TEXT;
ALTER TABLE organisations ADD COLUMN notice_contact_email TEXT;
ALTER TABLE organisations ADD COLUMN notice_contact_phone TEXT;
ALTER TABLE organisations ADD COLUMN srn TEXT;
ALTER TABLE items ADD COLUMN trade_name TEXT;
ALTER TABLE items ADD COLUMN model TEXT;
