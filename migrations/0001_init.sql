-- Lotbridge initial schema: tenancy, identity, sessions, passkeys, audit trail, outbox.
-- Forward-only: never edit this file once applied; add 0002_… instead.

CREATE TABLE organisations (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('manufacturer', 'supplier', 'distributor')),
  created_at  TEXT NOT NULL
);

CREATE TABLE users (
  id               TEXT PRIMARY KEY,
  email            TEXT NOT NULL UNIQUE,          -- stored lower-case
  display_name     TEXT NOT NULL,                 -- printed name on e-signatures (21 CFR 11.50)
  password_hash    TEXT,                          -- argon2id PHC string; NULL = passkey only
  failed_attempts  INTEGER NOT NULL DEFAULT 0,
  locked_until     TEXT,
  disabled_at      TEXT,
  created_at       TEXT NOT NULL
);

CREATE TABLE memberships (
  user_id          TEXT NOT NULL REFERENCES users(id),
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  role             TEXT NOT NULL CHECK (role IN ('supplier_user', 'distributor_user', 'manufacturer_qa', 'manufacturer_admin')),
  created_at       TEXT NOT NULL,
  PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_by_organisation ON memberships(organisation_id);

-- Lucia-style sessions: the token is "<id>.<secret>", only SHA-256(secret) is stored.
CREATE TABLE sessions (
  id               TEXT PRIMARY KEY,
  secret_hash      BLOB NOT NULL,
  user_id          TEXT NOT NULL REFERENCES users(id),
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  auth_method      TEXT NOT NULL CHECK (auth_method IN ('password', 'passkey')),
  created_at       TEXT NOT NULL,
  last_active_at   TEXT NOT NULL,
  expires_at       TEXT NOT NULL                  -- absolute limit, whatever the activity
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE passkey_credentials (
  id            TEXT PRIMARY KEY,                 -- base64url credential id
  user_id       TEXT NOT NULL REFERENCES users(id),
  public_key    BLOB NOT NULL,                    -- COSE public key
  counter       INTEGER NOT NULL,
  transports    TEXT,                             -- JSON array
  device_type   TEXT NOT NULL,
  backed_up     INTEGER NOT NULL,
  name          TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  last_used_at  TEXT
);
CREATE INDEX passkey_credentials_by_user ON passkey_credentials(user_id);

-- Challenges live here, not in memory, so any process can finish a ceremony; single use.
CREATE TABLE webauthn_challenges (
  id          TEXT PRIMARY KEY,
  challenge   TEXT NOT NULL,
  purpose     TEXT NOT NULL CHECK (purpose IN ('registration', 'authentication', 'signature')),
  user_id     TEXT REFERENCES users(id),
  bound_to    TEXT,                              -- signature: "<record hash>:<meaning>" the challenge was derived from
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);

-- 21 CFR 11.10(e): append-only, hash-chained. Written only by shared/audit in the same
-- transaction as the change it records.
CREATE TABLE audit_log (
  seq              INTEGER PRIMARY KEY,           -- 1, 2, 3 … without gaps
  at               TEXT NOT NULL,                 -- server clock, ISO 8601 UTC
  actor_type       TEXT NOT NULL CHECK (actor_type IN ('user', 'partner', 'system')),
  actor_id         TEXT,
  actor_name       TEXT,
  organisation_id  TEXT,
  action           TEXT NOT NULL,
  entity_type      TEXT NOT NULL,
  entity_id        TEXT,
  old_values       TEXT,                          -- JSON
  new_values       TEXT,                          -- JSON
  reason           TEXT,
  request_id       TEXT,
  prev_hash        TEXT NOT NULL,
  hash             TEXT NOT NULL
);
CREATE INDEX audit_log_by_entity ON audit_log(entity_type, entity_id);
CREATE INDEX audit_log_by_organisation ON audit_log(organisation_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END;

-- The chain's head, kept by trigger: a row removed from the end of the log shows as a
-- head that points past it.
CREATE TABLE audit_head (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq   INTEGER NOT NULL,
  last_hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
-- Only the next entry may be added: no gaps, and no INSERT OR REPLACE over an existing one
-- (REPLACE deletes without firing the DELETE trigger).
CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log
WHEN NEW.seq != (SELECT last_seq FROM audit_head WHERE id = 1) + 1
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: only the next entry may be inserted'); END;
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log
BEGIN UPDATE audit_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1; END;

-- Events waiting for the ERP bridge, written in the same transaction as the change.
CREATE TABLE outbox (
  position         INTEGER PRIMARY KEY AUTOINCREMENT, -- commit order, never reused
  id               TEXT NOT NULL UNIQUE,          -- becomes the webhook-id
  event_type       TEXT NOT NULL,
  aggregate_type   TEXT NOT NULL,
  aggregate_id     TEXT NOT NULL,
  aggregate_seq    INTEGER NOT NULL,              -- 1, 2, 3 … per aggregate
  organisation_id  TEXT,
  payload          TEXT NOT NULL,                 -- JSON
  occurred_at      TEXT NOT NULL,
  UNIQUE (aggregate_type, aggregate_id, aggregate_seq)
);
