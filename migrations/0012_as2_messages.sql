-- AS2 messages (RFC 4130): every message a partner POSTs to /as2 (and, later, what we send),
-- with the raw request kept as a file under UPLOAD_DIR, what unwrapping found, the payload,
-- and the MDN we answered with. A partner that sends the same Message-ID again gets the stored
-- MDN again and nothing is processed twice.
CREATE TABLE as2_messages (
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
  raw_storage_key         TEXT NOT NULL,
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
                            ('authentication-failed', 'decryption-failed', 'integrity-check-failed', 'unexpected-processing-error')),
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
