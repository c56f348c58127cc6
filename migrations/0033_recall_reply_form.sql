-- Recalls (issue 14, slice G): the distributor's reply carries what the MDCG 2023-3 customer
-- reply form asks. Forward-only: never edit this file once applied; add a later one instead.
-- Replies stay permanent: the no-UPDATE/no-DELETE triggers of 0009 cover every column, these
-- new ones too. NULL in a new column: a reply signed before 0033, which never asked it (its
-- record hash does not include the field, so it still verifies).

-- The reply: all actions completed, customers informed (the list is recall_subrecipients),
-- "I have a question, contact me" with the question, and who signed in what function and how to
-- reach them.
ALTER TABLE recall_acknowledgements ADD COLUMN actions_completed INTEGER CHECK (actions_completed IN (0, 1));
ALTER TABLE recall_acknowledgements ADD COLUMN customers_informed TEXT CHECK (customers_informed IN ('yes', 'no', 'not_applicable'));
ALTER TABLE recall_acknowledgements ADD COLUMN contact_requested INTEGER CHECK (contact_requested IN (0, 1));
ALTER TABLE recall_acknowledgements ADD COLUMN question TEXT CHECK (question IS NULL OR contact_requested = 1);
ALTER TABLE recall_acknowledgements ADD COLUMN signer_function TEXT;
ALTER TABLE recall_acknowledgements ADD COLUMN signer_phone TEXT;

-- Per lot: units corrected on site (no longer affected), and for serial-tracked units the
-- serials per disposition, JSON {"onHand":[…],"quarantined":[…],"returned":[…],"destroyed":[…],"corrected":[…]}.
ALTER TABLE recall_acknowledgement_lots ADD COLUMN corrected INTEGER CHECK (corrected >= 0);
ALTER TABLE recall_acknowledgement_lots ADD COLUMN serials TEXT CHECK (serials IS NULL OR json_valid(serials));
