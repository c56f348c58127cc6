-- The AS2 gateway under attack (issue 10).
--
-- 1. as2_messages is rebuilt (SQLite cannot change a CHECK or NOT NULL in place), like lots in
--    0015: the columns and constraints of 0012 with two changes, rows copied as they are, the
--    old table dropped, the new one renamed, every index and trigger of 0012 made again.
--    - failure_disposition may be 'decompression-failed' (RFC 5402 §4, what mendelson and pyas2
--      answer when CompressedData cannot be inflated, or inflates past our limits);
--    - raw_storage_key may be NULL: the body of a message whose sender did not authenticate is
--      not kept (its SHA-256, size and headers stay as the refusal record).
--    No table references as2_messages, and its triggers go with DROP TABLE before its implicit
--    delete, so as2_messages_no_delete does not fire.
-- 2. edi_partners gains the profile options the gateway enforces: how many compression layers
--    an inbound message may nest, which hosts its async MDNs may go to, and whether those may be
--    private, loopback or link-local addresses.
-- 3. as2_refusals counts refused requests per source, reason and hour: an anonymous sender adds
--    one audit entry per window, not one per request.

CREATE TABLE as2_messages_new (
  id                      TEXT PRIMARY KEY,
  direction               TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  partner_id              TEXT REFERENCES edi_partners(id),
  as2_from                TEXT NOT NULL,                                -- unquoted AS2-From, compared byte for byte
  as2_to                  TEXT NOT NULL,
  message_id              TEXT NOT NULL,                                -- as sent, without the angle brackets
  as2_version             TEXT,
  subject                 TEXT,
  content_type            TEXT NOT NULL,                                -- the HTTP Content-Type as sent
  received_at             TEXT NOT NULL,
  -- The request body exactly as received, a file under UPLOAD_DIR; its HTTP headers as JSON [[name, value], …].
  raw_storage_key         TEXT,                                         -- NULL: not kept (the sender did not authenticate, 0017)
  raw_sha256              TEXT NOT NULL CHECK (length(raw_sha256) = 64),
  raw_size_bytes          INTEGER NOT NULL CHECK (raw_size_bytes >= 0),
  raw_headers             TEXT NOT NULL DEFAULT '[]',
  -- received: stored, MDN not built yet; processed: positive MDN; failed: negative MDN (or refused).
  state                   TEXT NOT NULL CHECK (state IN ('received', 'processed', 'failed')),
  layers                  TEXT NOT NULL DEFAULT '[]',                   -- JSON, e.g. ["encrypted:aes-256-cbc","signed:sha256"]
  signer                  TEXT,                                         -- the certificate that signed it
  mic                     TEXT,                                         -- base64, as returned in Received-Content-MIC
  mic_algorithm           TEXT,
  disposition             TEXT,                                         -- the Disposition field of our MDN
  failure_disposition     TEXT CHECK (failure_disposition IS NULL OR failure_disposition IN
                            ('authentication-failed', 'decryption-failed', 'integrity-check-failed', 'decompression-failed', 'unexpected-processing-error')),
  failure_reason          TEXT,
  payload_storage_key     TEXT,
  payload_sha256          TEXT,
  payload_size_bytes      INTEGER,
  payload_filename        TEXT,
  payload_content_type    TEXT,
  -- What the partner asked for: an MDN on the same connection, one POSTed to receipt_delivery_url, or none.
  mdn_mode                TEXT NOT NULL CHECK (mdn_mode IN ('sync', 'async', 'none')),
  mdn_signed_requested    INTEGER NOT NULL DEFAULT 0 CHECK (mdn_signed_requested IN (0, 1)),
  receipt_delivery_url    TEXT,
  -- The MDN we sent: built once, never changed, sent again as it is to a repeat.
  mdn_message_id          TEXT,
  mdn_signed              INTEGER NOT NULL DEFAULT 0 CHECK (mdn_signed IN (0, 1)),
  mdn_headers             TEXT,                                         -- JSON [[name, value], …]
  mdn_body                BLOB,
  mdn_created_at          TEXT,
  -- Async MDN delivery (NULL for sync and none).
  mdn_delivery_state      TEXT CHECK (mdn_delivery_state IS NULL OR mdn_delivery_state IN ('pending', 'delivered', 'exhausted')),
  mdn_delivery_attempts   INTEGER NOT NULL DEFAULT 0,
  mdn_next_attempt_at     TEXT,
  mdn_last_error          TEXT,
  mdn_delivered_at        TEXT,
  -- Hand-off of an EDIFACT payload to the EDIFACT engine, after the MDN.
  edifact_state           TEXT CHECK (edifact_state IS NULL OR edifact_state IN ('waiting', 'processed', 'failed')),
  edifact_result          TEXT,
  repeats                 INTEGER NOT NULL DEFAULT 0,                   -- how often the same Message-ID came again
  CHECK (state = 'received' OR disposition IS NOT NULL OR mdn_mode = 'none'),
  CHECK (state <> 'failed' OR failure_reason IS NOT NULL),
  CHECK (state <> 'processed' OR failure_reason IS NULL),
  CHECK (mdn_mode <> 'async' OR receipt_delivery_url IS NOT NULL),
  UNIQUE (as2_from, message_id)
);
INSERT INTO as2_messages_new (id, direction, partner_id, as2_from, as2_to, message_id, as2_version, subject, content_type, received_at, raw_storage_key, raw_sha256, raw_size_bytes, raw_headers, state, layers, signer, mic, mic_algorithm, disposition, failure_disposition, failure_reason, payload_storage_key, payload_sha256, payload_size_bytes, payload_filename, payload_content_type, mdn_mode, mdn_signed_requested, receipt_delivery_url, mdn_message_id, mdn_signed, mdn_headers, mdn_body, mdn_created_at, mdn_delivery_state, mdn_delivery_attempts, mdn_next_attempt_at, mdn_last_error, mdn_delivered_at, edifact_state, edifact_result, repeats)
  SELECT id, direction, partner_id, as2_from, as2_to, message_id, as2_version, subject, content_type, received_at, raw_storage_key, raw_sha256, raw_size_bytes, raw_headers, state, layers, signer, mic, mic_algorithm, disposition, failure_disposition, failure_reason, payload_storage_key, payload_sha256, payload_size_bytes, payload_filename, payload_content_type, mdn_mode, mdn_signed_requested, receipt_delivery_url, mdn_message_id, mdn_signed, mdn_headers, mdn_body, mdn_created_at, mdn_delivery_state, mdn_delivery_attempts, mdn_next_attempt_at, mdn_last_error, mdn_delivered_at, edifact_state, edifact_result, repeats FROM as2_messages;
DROP TABLE as2_messages;
ALTER TABLE as2_messages_new RENAME TO as2_messages;
CREATE INDEX as2_messages_by_partner ON as2_messages(partner_id, received_at);
CREATE INDEX as2_messages_by_received ON as2_messages(received_at);
CREATE INDEX as2_messages_mdn_due ON as2_messages(mdn_next_attempt_at) WHERE mdn_delivery_state = 'pending';

-- What was received stays as received.
CREATE TRIGGER as2_messages_content_fixed
BEFORE UPDATE OF id, direction, partner_id, as2_from, as2_to, message_id, as2_version, subject, content_type, received_at,
                 raw_storage_key, raw_sha256, raw_size_bytes, raw_headers ON as2_messages
BEGIN SELECT RAISE(ABORT, 'a stored AS2 message is never edited'); END;
-- An MDN, once built, is the one answer to that message.
CREATE TRIGGER as2_messages_mdn_fixed
BEFORE UPDATE OF mdn_message_id, mdn_signed, mdn_headers, mdn_body, mdn_created_at ON as2_messages
WHEN OLD.mdn_body IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the MDN of an AS2 message is never changed once built'); END;
CREATE TRIGGER as2_messages_no_delete BEFORE DELETE ON as2_messages
WHEN OLD.direction = 'in'
BEGIN SELECT RAISE(ABORT, 'received AS2 messages are kept: DELETE refused'); END;

ALTER TABLE edi_partners ADD COLUMN max_compression_layers INTEGER NOT NULL DEFAULT 1 CHECK (max_compression_layers BETWEEN 0 AND 8);
-- Space-separated host names or IP literals (lower case) an async MDN may be POSTed to, besides the host of as2_url.
ALTER TABLE edi_partners ADD COLUMN async_mdn_hosts TEXT NOT NULL DEFAULT '';
-- 1: async MDNs may go to loopback, private or link-local addresses (an internal partner); audited like every option.
ALTER TABLE edi_partners ADD COLUMN async_mdn_private INTEGER NOT NULL DEFAULT 0 CHECK (async_mdn_private IN (0, 1));

-- One row per (source address, reason, hour): the first refusal of a window is audited, the
-- others only counted here (and shown on /metrics).
CREATE TABLE as2_refusals (
  source        TEXT NOT NULL,                                   -- the client address ('unknown' when the transport does not say)
  reason        TEXT NOT NULL,                                   -- a stable code: unknown_partner, bad_headers, unauthenticated_repeat …
  window_start  TEXT NOT NULL,                                   -- ISO hour, e.g. 2026-12-04T22:00:00.000Z
  count         INTEGER NOT NULL CHECK (count >= 1),
  first_at      TEXT NOT NULL,
  last_at       TEXT NOT NULL,
  last_detail   TEXT,                                            -- the latest refusal's header values (AS2-From, Message-ID), cut to 300 characters
  PRIMARY KEY (source, reason, window_start)
);
CREATE INDEX as2_refusals_by_window ON as2_refusals(window_start);
