-- Electronic signatures (21 CFR 11.50, 11.70, 11.200) and supplier certificates.

-- A signature is bound to the SHA-256 of the exact record version it was applied to; it is
-- never changed or removed.
CREATE TABLE signatures (
  id               TEXT PRIMARY KEY,
  entity_type      TEXT NOT NULL,
  entity_id        TEXT NOT NULL,
  record_hash      TEXT NOT NULL,
  meaning          TEXT NOT NULL CHECK (meaning IN ('authorship', 'review', 'approval', 'responsibility')),
  signer_id        TEXT NOT NULL REFERENCES users(id),
  signer_name      TEXT NOT NULL,                 -- printed name at the time of signing
  signer_email     TEXT NOT NULL,
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  method           TEXT NOT NULL CHECK (method IN ('password', 'passkey')),
  credential_id    TEXT,                          -- the passkey used, if any
  reason           TEXT,
  signed_at        TEXT NOT NULL
);
CREATE INDEX signatures_by_entity ON signatures(entity_type, entity_id);
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are permanent: UPDATE refused'); END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are permanent: DELETE refused'); END;

-- Uploaded files live outside the database (UPLOAD_DIR); this is what we know of each.
CREATE TABLE stored_files (
  id               TEXT PRIMARY KEY,
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  sha256           TEXT NOT NULL,
  size_bytes       INTEGER NOT NULL,
  content_type     TEXT NOT NULL,
  original_name    TEXT NOT NULL,                 -- sanitised
  storage_key      TEXT NOT NULL UNIQUE,          -- path below UPLOAD_DIR
  uploaded_by      TEXT NOT NULL REFERENCES users(id),
  uploaded_at      TEXT NOT NULL
);
-- What a file was when it was stored (its SHA-256 is part of the record hash that is signed).
CREATE TRIGGER stored_files_no_update BEFORE UPDATE ON stored_files
BEGIN SELECT RAISE(ABORT, 'stored files are never changed: UPDATE refused'); END;
CREATE TRIGGER stored_files_no_delete BEFORE DELETE ON stored_files
BEGIN SELECT RAISE(ABORT, 'stored files are kept: DELETE refused'); END;

-- A certificate is a series of versions; a version is never edited, a new one supersedes it.
CREATE TABLE certificates (
  id                 TEXT PRIMARY KEY,            -- one version
  series_id          TEXT NOT NULL,               -- the same certificate across its versions
  version            INTEGER NOT NULL,
  organisation_id    TEXT NOT NULL REFERENCES organisations(id),
  type               TEXT NOT NULL CHECK (type IN ('iso13485', 'ce_mdr', 'fda_registration', 'coc', 'coa', 'other')),
  number             TEXT NOT NULL,
  issuer             TEXT NOT NULL,
  scope              TEXT NOT NULL,
  covers             TEXT NOT NULL,               -- JSON: products (GTINs) and lots it covers
  valid_from         TEXT NOT NULL,
  valid_to           TEXT NOT NULL,
  file_id            TEXT NOT NULL REFERENCES stored_files(id),
  record_hash        TEXT NOT NULL,               -- SHA-256 of this version's content, what signatures bind to
  state              TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'rejected', 'superseded')),
  state_reason       TEXT,
  submitted_by       TEXT NOT NULL REFERENCES users(id),
  submitted_at       TEXT NOT NULL,
  decided_at         TEXT,
  decided_by         TEXT REFERENCES users(id),   -- the QA signer of the approval or rejection
  UNIQUE (series_id, version)
);
CREATE INDEX certificates_by_organisation ON certificates(organisation_id, state);
CREATE INDEX certificates_by_state ON certificates(state, submitted_at);
CREATE INDEX certificates_by_expiry ON certificates(valid_to) WHERE state = 'approved';
-- Only the lifecycle columns move; the content a signature is bound to never does.
CREATE TRIGGER certificates_content_fixed
BEFORE UPDATE OF id, series_id, version, organisation_id, type, number, issuer, scope, covers, valid_from, valid_to,
                 file_id, record_hash, submitted_by, submitted_at ON certificates
BEGIN SELECT RAISE(ABORT, 'a certificate version is never edited: submit a new version'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificate versions are kept: DELETE refused'); END;
