-- Effectiveness checks and closing a recall (21 CFR 7.42(b)(3), 7.53(b), 7.55):
--   * level B's share is set by QA (more than C's 10 %, less than A's 100 %), part of the recall
--     as issued: never edited, like the level itself (0018);
--   * QA's estimated completion date (7.53(b)(6)) moves while the recall is open, audited; it is
--     not part of the recall as issued, and stays as it was once the recall is closed;
--   * every outcome QA records of a drawn consignee's check is kept, with the contact method and
--     the signature over it: a second record is a new row, never an overwrite. The latest outcome
--     stays on recall_effectiveness_checks (what the dashboard counts); neither moves once the
--     recall is closed.

ALTER TABLE recalls ADD COLUMN effectiveness_percent REAL
  CHECK (effectiveness_percent IS NULL OR (effectiveness_percent > 10 AND effectiveness_percent < 100));  -- level B only
ALTER TABLE recalls ADD COLUMN estimated_completion_on TEXT;  -- YYYY-MM-DD, QA's estimate

CREATE TRIGGER recalls_effectiveness_percent_fixed BEFORE UPDATE OF effectiveness_percent ON recalls
BEGIN SELECT RAISE(ABORT, 'a recall is never edited: its content stays as issued'); END;
CREATE TRIGGER recalls_estimate_until_closed BEFORE UPDATE OF estimated_completion_on ON recalls
WHEN OLD.state = 'closed' AND NEW.estimated_completion_on IS NOT OLD.estimated_completion_on
BEGIN SELECT RAISE(ABORT, 'a closed recall is never edited: its estimated completion stays as it was'); END;

CREATE TABLE recall_effectiveness_outcomes (
  id                           TEXT PRIMARY KEY,
  recall_id                    TEXT NOT NULL REFERENCES recalls(id),
  distributor_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  outcome                      TEXT NOT NULL CHECK (outcome IN ('effective', 'ineffective')),
  method                       TEXT NOT NULL CHECK (method IN ('phone', 'email', 'visit', 'letter', 'portal')),
  note                         TEXT,
  checked_at                   TEXT NOT NULL,
  checked_by                   TEXT NOT NULL REFERENCES users(id),
  record_hash                  TEXT NOT NULL,                    -- what the signature binds to
  signature_id                 TEXT NOT NULL REFERENCES signatures(id),
  FOREIGN KEY (recall_id, distributor_organisation_id) REFERENCES recall_effectiveness_checks(recall_id, distributor_organisation_id)
);
CREATE INDEX recall_effectiveness_outcomes_by_check ON recall_effectiveness_outcomes(recall_id, distributor_organisation_id, checked_at);

CREATE TRIGGER recall_effectiveness_outcomes_no_update BEFORE UPDATE ON recall_effectiveness_outcomes
BEGIN SELECT RAISE(ABORT, 'a recorded effectiveness check outcome is never edited: record a new one'); END;
CREATE TRIGGER recall_effectiveness_outcomes_no_delete BEFORE DELETE ON recall_effectiveness_outcomes
BEGIN SELECT RAISE(ABORT, 'effectiveness check outcomes are kept: DELETE refused'); END;
CREATE TRIGGER recall_effectiveness_outcomes_open_recall BEFORE INSERT ON recall_effectiveness_outcomes
WHEN (SELECT state FROM recalls WHERE id = NEW.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its effectiveness checks are frozen'); END;
CREATE TRIGGER recall_effectiveness_checks_frozen_when_closed
BEFORE UPDATE OF outcome, note, checked_at, checked_by ON recall_effectiveness_checks
WHEN (SELECT state FROM recalls WHERE id = OLD.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its effectiveness checks are frozen'); END;
CREATE TRIGGER recall_effectiveness_checks_drawn_while_open BEFORE INSERT ON recall_effectiveness_checks
WHEN (SELECT state FROM recalls WHERE id = NEW.recall_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the recall is closed: its effectiveness checks are frozen'); END;
