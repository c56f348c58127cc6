-- Files QA attaches to its decision on a lot (issue 18): photos, measurement reports, PDFs. The
-- files themselves are stored_files (0003) in the file storage; this links each to the inspection
-- it belongs to, in the order QA attached them. Their SHA-256s are part of the hash QA signs, so
-- like the inspection (0050) a link is never changed or removed.
CREATE TABLE lot_inspection_files (
  inspection_id  TEXT NOT NULL REFERENCES lot_inspections(id),
  file_id        TEXT NOT NULL UNIQUE REFERENCES stored_files(id),
  position       INTEGER NOT NULL CHECK (position >= 0),
  PRIMARY KEY (inspection_id, position)
);
CREATE TRIGGER lot_inspection_files_no_update BEFORE UPDATE ON lot_inspection_files
BEGIN SELECT RAISE(ABORT, 'an inspection''s files are never changed'); END;
CREATE TRIGGER lot_inspection_files_no_delete BEFORE DELETE ON lot_inspection_files
BEGIN SELECT RAISE(ABORT, 'an inspection''s files are kept: DELETE refused'); END;
