-- E-mail: every message is written here in the transaction of what caused it, then sent over
-- SMTP_URL; without SMTP it is kept here for administrators to read (the demo needs no server).
CREATE TABLE mail_messages (
  id               TEXT PRIMARY KEY,
  to_address       TEXT NOT NULL,
  cc_addresses     TEXT NOT NULL DEFAULT '[]',    -- JSON array
  subject          TEXT NOT NULL,
  text_body        TEXT NOT NULL,
  locale           TEXT NOT NULL,
  purpose          TEXT NOT NULL,                 -- e.g. certificate.expiry_reminder
  organisation_id  TEXT REFERENCES organisations(id),
  entity_type      TEXT,
  entity_id        TEXT,
  state            TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'kept', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,
  last_error       TEXT,
  smtp_message_id  TEXT,
  created_at       TEXT NOT NULL,
  sent_at          TEXT
);
CREATE INDEX mail_messages_due ON mail_messages(next_attempt_at) WHERE state = 'queued';
CREATE INDEX mail_messages_by_entity ON mail_messages(entity_type, entity_id);
