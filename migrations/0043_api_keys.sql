-- The partner REST API (/api/v1). A supplier or distributor organisation's administrator creates
-- API keys; each key acts as a technical user of its own (users.kind = 'api_key'), so every call
-- is audited under a name, and the key's scopes narrow what that user may do through the API.
-- Forward-only: never edit this file once applied.

-- A technical user never signs in to the portal (no password, no passkey, refused by kind).
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'api_key'));

-- The token is "lbk_<id>_<secret>": the id finds the row, only SHA-256(secret) is stored, and
-- the token is shown once, when the key is created.
CREATE TABLE api_keys (
  id               TEXT PRIMARY KEY,
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  user_id          TEXT NOT NULL UNIQUE REFERENCES users(id),
  name             TEXT NOT NULL,
  secret_hash      BLOB NOT NULL,
  scopes           TEXT NOT NULL,          -- JSON array of "<resource>:read" / "<resource>:write"
  created_by       TEXT NOT NULL REFERENCES users(id),
  created_at       TEXT NOT NULL,
  expires_at       TEXT NOT NULL,          -- every key expires (at most a year ahead)
  last_used_at     TEXT,                   -- written at most once a minute
  revoked_at       TEXT,
  revoked_by       TEXT REFERENCES users(id)
);
CREATE INDEX api_keys_by_organisation ON api_keys(organisation_id, created_at);

-- Idempotency-Key on POST: the first answer is kept and a retry with the same key and the same
-- request gets it again; the same key with another request is refused. 'running' while the
-- first request is being answered (a concurrent retry is told to wait).
CREATE TABLE api_idempotency (
  api_key_id       TEXT NOT NULL REFERENCES api_keys(id),
  idempotency_key  TEXT NOT NULL,
  request_hash     TEXT NOT NULL,          -- SHA-256 of method, path and body
  state            TEXT NOT NULL CHECK (state IN ('running', 'done')),
  status           INTEGER,
  headers          TEXT,                   -- JSON object of the answer's headers worth repeating
  body             TEXT,
  created_at       TEXT NOT NULL,
  lease_until      TEXT NOT NULL,          -- a 'running' row whose lease ran out may be taken over
  PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX api_idempotency_by_age ON api_idempotency(created_at);

-- Rate limits per key and fixed window, counted in the database so the limit holds across
-- instances (and on Workers).
CREATE TABLE api_rate_windows (
  api_key_id       TEXT NOT NULL,
  window_start     TEXT NOT NULL,
  count            INTEGER NOT NULL,
  PRIMARY KEY (api_key_id, window_start)
);
