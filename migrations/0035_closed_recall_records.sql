-- A closed recall takes no new records (21 CFR 11.10(c), 7.55): once QA has closed it, nothing
-- is added to what it rests on, however the database is reached. The use cases already refuse
-- (the recall is not open); these triggers refuse an INSERT made around them, as 0034 does for
-- the effectiveness checks and their outcomes. Forward-only: never edit this file once applied.

CREATE TRIGGER recall_consignees_open_recall BEFORE INSERT ON recall_consignees
WHEN (SELECT state FROM recalls WHERE id = NEW.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its records are frozen'); END;
CREATE TRIGGER recall_notices_open_recall BEFORE INSERT ON recall_notices
WHEN (SELECT state FROM recalls WHERE id = NEW.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its records are frozen'); END;
CREATE TRIGGER recall_acknowledgements_open_recall BEFORE INSERT ON recall_acknowledgements
WHEN (SELECT state FROM recalls WHERE id = NEW.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its records are frozen'); END;
CREATE TRIGGER recall_notice_revisions_open_recall BEFORE INSERT ON recall_notice_revisions
WHEN (SELECT state FROM recalls WHERE id = NEW.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its records are frozen'); END;
CREATE TRIGGER recall_onward_notices_open_recall BEFORE INSERT ON recall_onward_notices
WHEN (SELECT state FROM recalls WHERE id = NEW.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its records are frozen'); END;
-- A customer's reply names its onward notice, which names the recall.
CREATE TRIGGER recall_onward_replies_open_recall BEFORE INSERT ON recall_onward_replies
WHEN (SELECT r.state FROM recall_onward_notices AS w JOIN recalls AS r ON r.id = w.recall_id WHERE w.id = NEW.onward_notice_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its records are frozen'); END;
