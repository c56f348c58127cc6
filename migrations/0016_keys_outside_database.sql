-- Keys kept outside the database (shared/keys): the audit trail is MACed with them, secrets in
-- the database are sealed with them, and verification results are MACed so they cannot be
-- forged by someone who holds only this file.

-- Each entry's hash (the SHA-256 chain, unchanged) is MACed with a key held outside the
-- database: recomputing the chain after an edit no longer yields valid MACs. Entries written
-- before this migration have none; the first entry after it (audit.keys_installed) covers
-- them through its prev_hash.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
ALTER TABLE audit_log ADD COLUMN mac_key TEXT;

-- Which master keys this database was used with (a MAC of a fixed text, never the key): a
-- start with a missing or different key file is refused instead of starting a new chain.
CREATE TABLE key_checks (
  key_id       TEXT PRIMARY KEY,
  check_value  TEXT NOT NULL CHECK (length(check_value) = 64),
  created_at   TEXT NOT NULL
);
CREATE TRIGGER key_checks_no_update BEFORE UPDATE ON key_checks
BEGIN SELECT RAISE(ABORT, 'key_checks is append-only'); END;
CREATE TRIGGER key_checks_no_delete BEFORE DELETE ON key_checks
BEGIN SELECT RAISE(ABORT, 'key_checks is append-only'); END;

-- Results of verifying the chain: a background check goes on from the last verified entry
-- instead of recomputing the whole trail per page view. Each row is MACed.
CREATE TABLE audit_verifications (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  at                TEXT NOT NULL,
  kind              TEXT NOT NULL CHECK (kind IN ('incremental', 'full')),
  from_seq          INTEGER NOT NULL,
  through_seq       INTEGER NOT NULL,
  through_hash      TEXT NOT NULL,
  ok                INTEGER NOT NULL CHECK (ok IN (0, 1)),
  first_broken_seq  INTEGER,
  problem           TEXT,
  mac               TEXT NOT NULL,
  mac_key           TEXT NOT NULL
);
CREATE TRIGGER audit_verifications_no_update BEFORE UPDATE ON audit_verifications
BEGIN SELECT RAISE(ABORT, 'audit_verifications is append-only'); END;
CREATE TRIGGER audit_verifications_no_delete BEFORE DELETE ON audit_verifications
BEGIN SELECT RAISE(ABORT, 'audit_verifications is append-only'); END;

-- Filters of the audit page.
CREATE INDEX audit_log_by_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_log_by_action ON audit_log(action, seq);
CREATE INDEX audit_log_by_at ON audit_log(at);

-- Our AS2 private keys are sealed in place once (plaintext → sealed); nothing else changes.
DROP TRIGGER as2_identity_keys_content_fixed;
CREATE TRIGGER as2_identity_keys_content_fixed
BEFORE UPDATE OF id, purpose, certificate_pem, fingerprint_sha256, subject, not_before, not_after, created_at
ON as2_identity_keys
BEGIN SELECT RAISE(ABORT, 'an AS2 identity key is never edited; rotate to a new one'); END;
CREATE TRIGGER as2_identity_keys_sealed_once
BEFORE UPDATE OF private_key_pem ON as2_identity_keys
WHEN OLD.private_key_pem LIKE 'sealed:%' OR NEW.private_key_pem NOT LIKE 'sealed:%'
BEGIN SELECT RAISE(ABORT, 'an AS2 identity key is never edited; rotate to a new one'); END;
