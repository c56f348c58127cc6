-- Supplier corrective action requests (issue 18): QA opens a SCAR against one supplier, tied to
-- lots, certificates or recalls; the supplier answers in the 8D structure, step by step; QA
-- accepts or returns each answer, verifies effectiveness after a set period and closes it, each
-- decision signed. Forward-only: never edit this file once applied. Scorecards read scars and
-- scar_steps by these column names.
CREATE TABLE scars (
  id                       TEXT PRIMARY KEY,
  number                   TEXT NOT NULL UNIQUE,                 -- human, SCAR-2026-0007 (per year)
  supplier_id              TEXT NOT NULL REFERENCES organisations(id),
  title                    TEXT NOT NULL,
  problem                  TEXT NOT NULL,                        -- QA's problem description (what, where, how many)
  severity                 TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
  -- open: the supplier works through D1..D8; verification: every step accepted, effectiveness is
  -- checked on/after verify_after; closed: verified effective and closed; cancelled: withdrawn by QA.
  state                    TEXT NOT NULL CHECK (state IN ('open', 'verification', 'closed', 'cancelled')),
  opened_by                TEXT NOT NULL REFERENCES users(id),
  opened_at                TEXT NOT NULL,
  open_signature_id        TEXT NOT NULL REFERENCES signatures(id),
  verify_after             TEXT,                                 -- date (YYYY-MM-DD): effectiveness check due
  verified_at              TEXT,
  verified_by              TEXT REFERENCES users(id),
  verification_result      TEXT CHECK (verification_result IN ('effective', 'not_effective')),
  verification_note        TEXT,
  verification_signature_id TEXT REFERENCES signatures(id),
  closed_at                TEXT,
  closed_by                TEXT REFERENCES users(id),
  close_signature_id       TEXT REFERENCES signatures(id),
  updated_at               TEXT NOT NULL,
  CHECK (state != 'closed' OR (closed_at IS NOT NULL AND close_signature_id IS NOT NULL))
);
CREATE INDEX scars_by_supplier ON scars(supplier_id, state, opened_at);
CREATE INDEX scars_by_state ON scars(state, opened_at);
CREATE TRIGGER scars_no_delete BEFORE DELETE ON scars
BEGIN SELECT RAISE(ABORT, 'SCARs are kept: DELETE refused'); END;

-- What a SCAR is about: one or more lots (a rejected lot), certificates or recalls, each of the
-- SCAR's own supplier (the use case checks it).
CREATE TABLE scar_links (
  scar_id  TEXT NOT NULL REFERENCES scars(id),
  kind     TEXT NOT NULL CHECK (kind IN ('lot', 'certificate', 'recall')),
  ref_id   TEXT NOT NULL,
  PRIMARY KEY (scar_id, kind, ref_id)
);
CREATE INDEX scar_links_by_ref ON scar_links(kind, ref_id);

-- The 8D steps, one row per SCAR and step, made when the SCAR is opened with QA's due date each.
-- D1 team, D2 problem, D3 containment (quantities), D4 root cause (method), D5 corrective
-- actions, D6 implementation, D7 preventive actions, D8 recognition / closure by the supplier.
-- The current answer is here; every earlier answer and decision is in scar_step_rounds.
CREATE TABLE scar_steps (
  scar_id        TEXT NOT NULL REFERENCES scars(id),
  step           TEXT NOT NULL CHECK (step IN ('D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8')),
  due_date       TEXT NOT NULL,                                  -- YYYY-MM-DD
  answer         TEXT CHECK (answer IS NULL OR json_valid(answer)), -- the supplier's structured answer
  submitted_at   TEXT,                                           -- the latest submission
  first_submitted_at TEXT,                                       -- the first (responsiveness)
  submitted_by   TEXT REFERENCES users(id),
  decision       TEXT CHECK (decision IN ('accepted', 'returned')),   -- QA's decision on the latest submission
  decision_comment TEXT,
  decided_at     TEXT,
  decided_by     TEXT REFERENCES users(id),
  signature_id   TEXT REFERENCES signatures(id),
  reminded_at    TEXT,                                           -- reminder before the due date was sent
  escalated_at   TEXT,                                           -- escalation after the due date was sent
  PRIMARY KEY (scar_id, step)
);
CREATE INDEX scar_steps_due ON scar_steps(due_date) WHERE decision IS NULL OR decision = 'returned';

-- Every submission and QA's decision on it, kept: a returned answer is not lost when the
-- supplier answers again.
CREATE TABLE scar_step_rounds (
  id             TEXT PRIMARY KEY,
  scar_id        TEXT NOT NULL REFERENCES scars(id),
  step           TEXT NOT NULL,
  round          INTEGER NOT NULL,
  answer         TEXT NOT NULL CHECK (json_valid(answer)),
  submitted_by   TEXT NOT NULL REFERENCES users(id),
  submitted_at   TEXT NOT NULL,
  decision       TEXT CHECK (decision IN ('accepted', 'returned')),
  decision_comment TEXT,
  decided_by     TEXT REFERENCES users(id),
  decided_at     TEXT,
  signature_id   TEXT REFERENCES signatures(id),
  UNIQUE (scar_id, step, round)
);
CREATE TRIGGER scar_step_rounds_no_delete BEFORE DELETE ON scar_step_rounds
BEGIN SELECT RAISE(ABORT, 'SCAR answers are kept: DELETE refused'); END;
CREATE TRIGGER scar_step_rounds_answer_fixed BEFORE UPDATE OF answer, submitted_by, submitted_at ON scar_step_rounds
BEGIN SELECT RAISE(ABORT, 'a submitted SCAR answer is never edited'); END;

-- Evidence the supplier uploads to a step (files through FileStorage / stored_files).
CREATE TABLE scar_evidence (
  id           TEXT PRIMARY KEY,
  scar_id      TEXT NOT NULL REFERENCES scars(id),
  step         TEXT NOT NULL,
  file_id      TEXT NOT NULL REFERENCES stored_files(id),
  uploaded_by  TEXT NOT NULL REFERENCES users(id),
  uploaded_at  TEXT NOT NULL
);
CREATE INDEX scar_evidence_by_step ON scar_evidence(scar_id, step);
CREATE TRIGGER scar_evidence_no_delete BEFORE DELETE ON scar_evidence
BEGIN SELECT RAISE(ABORT, 'SCAR evidence is kept: DELETE refused'); END;
