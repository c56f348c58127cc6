-- Incoming inspection and release of a submitted lot (issue 18): QA's one signed decision per lot.
-- The outcome lives here, not in lots.state: lots.state stays the submission ('submitted'), so
-- the lots table is not rebuilt (0015/0044 rebuilt it for a CHECK; other migrations of the same
-- release may add to it). A lot's released / released with deviation / rejected state is read
-- from its inspection (shared/lots/lot.ts lotSelect). Other slices (SCAR, scorecards) read
-- lot_inspections by these column names.
CREATE TABLE lot_inspections (
  id               TEXT PRIMARY KEY,
  lot_id           TEXT NOT NULL UNIQUE REFERENCES lots(id),                  -- one decision per lot
  outcome          TEXT NOT NULL CHECK (outcome IN ('accepted', 'accepted_with_deviation', 'rejected')),
  sample_size      INTEGER NOT NULL CHECK (sample_size >= 1),
  defects_found    INTEGER NOT NULL CHECK (defects_found >= 0 AND defects_found <= sample_size),
  measurements     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(measurements)), -- JSON [{name, value, unit, withinSpec}]
  deviation        TEXT,                                                      -- what is accepted although out of spec
  reason           TEXT,                                                      -- why the lot is rejected
  decided_by       TEXT NOT NULL REFERENCES users(id),
  decided_at       TEXT NOT NULL,
  signature_id     TEXT NOT NULL REFERENCES signatures(id),
  record_hash      TEXT NOT NULL,                                             -- SHA-256 of the decision, what the signature binds to
  CHECK (outcome != 'accepted_with_deviation' OR deviation IS NOT NULL),
  CHECK (outcome != 'rejected' OR reason IS NOT NULL)
);
CREATE INDEX lot_inspections_by_outcome ON lot_inspections(outcome, decided_at);
CREATE TRIGGER lot_inspections_no_update BEFORE UPDATE ON lot_inspections
BEGIN SELECT RAISE(ABORT, 'a lot inspection is never edited'); END;
CREATE TRIGGER lot_inspections_no_delete BEFORE DELETE ON lot_inspections
BEGIN SELECT RAISE(ABORT, 'lot inspections are kept: DELETE refused'); END;
