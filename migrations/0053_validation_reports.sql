-- The validation package in the portal (issue 19): the reports QA uploads and signs, and the
-- server's nightly self-check (IQ and PQ checks) whose drift raises an alert on the home page.

-- A validation report as `lotbridge validate` wrote it (report.json and report.pdf, kept in
-- stored_files), approved by QA with an electronic signature of meaning approval. A failed report
-- can be kept, its approval stating the deviation QA accepts. Never edited, never deleted.
CREATE TABLE validation_reports (
  id               TEXT PRIMARY KEY,
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  json_file_id     TEXT NOT NULL REFERENCES stored_files(id),
  pdf_file_id      TEXT NOT NULL REFERENCES stored_files(id),
  passed           INTEGER NOT NULL CHECK (passed IN (0, 1)),    -- the report's own verdict
  commit_sha       TEXT,                                          -- the git commit it validated
  generated_at     TEXT NOT NULL,                                 -- when it was generated
  summary          TEXT NOT NULL CHECK (json_valid(summary)),     -- counts of checks, requirements, clauses
  deviation        TEXT,                                          -- why a failed report is approved
  record_hash      TEXT NOT NULL,                                 -- SHA-256 of what was signed (both files' hashes, verdict, deviation)
  signature_id     TEXT NOT NULL REFERENCES signatures(id),
  approved_by      TEXT NOT NULL REFERENCES users(id),
  approved_at      TEXT NOT NULL,
  CHECK (passed = 1 OR deviation IS NOT NULL)
);
CREATE INDEX validation_reports_by_organisation ON validation_reports(organisation_id, approved_at);
CREATE TRIGGER validation_reports_no_update BEFORE UPDATE ON validation_reports
BEGIN SELECT RAISE(ABORT, 'a validation report is never edited'); END;
CREATE TRIGGER validation_reports_no_delete BEFORE DELETE ON validation_reports
BEGIN SELECT RAISE(ABORT, 'validation reports are kept: DELETE refused'); END;

-- One run of the self-check: every check with its status, facts and findings (ValidationCheck[]).
-- The newest run is what the home pages show; a run is never edited.
CREATE TABLE validation_self_checks (
  id           TEXT PRIMARY KEY,
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  passed       INTEGER NOT NULL CHECK (passed IN (0, 1)),
  checks       TEXT NOT NULL CHECK (json_valid(checks))
);
CREATE INDEX validation_self_checks_by_time ON validation_self_checks(finished_at);
CREATE TRIGGER validation_self_checks_no_update BEFORE UPDATE ON validation_self_checks
BEGIN SELECT RAISE(ABORT, 'a self-check run is never edited'); END;
