-- Credentials (21 CFR 11.50, 11.300): a rejection is signed with its own meaning, and failed
-- sign-ins are throttled per source and per (address, source) beside the account lockout.

-- 1. signatures.meaning gains 'rejection'. SQLite cannot change a CHECK in place, so the table
-- is rebuilt with the columns and constraints of 0003 and the widened CHECK, rows copied as
-- they are, and its index and triggers made again. recall_acknowledgements references
-- signatures(id): the migration runs in one transaction (PRAGMA foreign_keys cannot change
-- there), so foreign keys are deferred to the commit; DROP TABLE's implicit delete leaves the
-- references dangling for a moment, and inserting the same rows back into the new table
-- resolves each of them again before the commit checks. The triggers are dropped first, so
-- signatures_no_delete does not fire on that implicit delete.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE signatures_copy AS SELECT * FROM signatures;
DROP TRIGGER signatures_no_update;
DROP TRIGGER signatures_no_delete;
DROP INDEX signatures_by_entity;
DROP TABLE signatures;
CREATE TABLE signatures (
  id               TEXT PRIMARY KEY,
  entity_type      TEXT NOT NULL,
  entity_id        TEXT NOT NULL,
  record_hash      TEXT NOT NULL,
  meaning          TEXT NOT NULL CHECK (meaning IN ('authorship', 'review', 'approval', 'rejection', 'responsibility')),
  signer_id        TEXT NOT NULL REFERENCES users(id),
  signer_name      TEXT NOT NULL,                 -- printed name at the time of signing
  signer_email     TEXT NOT NULL,
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  method           TEXT NOT NULL CHECK (method IN ('password', 'passkey')),
  credential_id    TEXT,                          -- the passkey used, if any
  reason           TEXT,
  signed_at        TEXT NOT NULL
);
INSERT INTO signatures (id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, signer_email, organisation_id, method, credential_id, reason, signed_at)
SELECT id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, signer_email, organisation_id, method, credential_id, reason, signed_at
FROM signatures_copy ORDER BY rowid;
DROP TABLE signatures_copy;
CREATE INDEX signatures_by_entity ON signatures(entity_type, entity_id);
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are permanent: UPDATE refused'); END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are permanent: DELETE refused'); END;

-- 2. Failed sign-ins counted per source (a client address; an IPv6 /64) and per (typed address,
-- source), for known and unknown addresses alike, so that their answers tell nothing about
-- whether an account exists and a caller elsewhere cannot slow anyone else down. Both keys
-- are SHA-256 hashes (no typed address or client IP is kept in clear). Not an audit record:
-- rows are swept once their window and block have passed.
CREATE TABLE sign_in_throttle (
  scope           TEXT NOT NULL CHECK (scope IN ('source', 'address')),
  address_hash    TEXT NOT NULL,                 -- '' for scope 'source'
  source_hash     TEXT NOT NULL,
  failures        INTEGER NOT NULL,
  first_failed_at TEXT NOT NULL,                 -- the counting window starts here
  blocked_until   TEXT,
  PRIMARY KEY (scope, address_hash, source_hash)
);
CREATE INDEX sign_in_throttle_by_age ON sign_in_throttle(first_failed_at);

-- Sources a user signed in from successfully: a Part 11 account lock set by failures elsewhere
-- does not keep the user out from these.
CREATE TABLE sign_in_sources (
  user_id           TEXT NOT NULL REFERENCES users(id),
  source_hash       TEXT NOT NULL,
  last_signed_in_at TEXT NOT NULL,
  PRIMARY KEY (user_id, source_hash)
);
