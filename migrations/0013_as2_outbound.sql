-- Outbound AS2 messages (RFC 4130): what we send to a partner, the exact request we built once
-- (a retry resends the same Message-ID, body and MIC), every attempt's outcome and the MDN that
-- came back. Payload and request are BLOBs, not files: a message is queued inside the caller's
-- transaction (a CONTRL with its interchange, a recall notice with the recall), and a row
-- commits or rolls back with it where a file would be left behind; what we send is EDIFACT of
-- a few kB to a few MB (queueAs2Message refuses more than 32 MiB).
CREATE TABLE as2_outbound_messages (
  id                    TEXT PRIMARY KEY,
  partner_id            TEXT NOT NULL REFERENCES edi_partners(id),
  message_id            TEXT NOT NULL UNIQUE,                              -- ours, without the angle brackets
  subject               TEXT NOT NULL,
  filename              TEXT NOT NULL,
  content_type          TEXT NOT NULL,
  payload               BLOB NOT NULL,
  payload_sha256        TEXT NOT NULL CHECK (length(payload_sha256) = 64),
  payload_size_bytes    INTEGER NOT NULL CHECK (payload_size_bytes >= 0),
  purpose               TEXT NOT NULL,                                     -- contrl, aperak, recall_notice, orders, manual, …
  relates_to_type       TEXT,
  relates_to_id         TEXT,
  created_at            TEXT NOT NULL,
  -- queued: waiting for its (next) attempt; sending: claimed until lease_until; sent: the partner
  -- took it (HTTP 2xx) and an async MDN is awaited, or no MDN was asked for (final);
  -- delivered: positive MDN, signature and MIC checked; failed: negative or unacceptable MDN;
  -- exhausted: every attempt failed.
  state                 TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'exhausted')),
  attempts              INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at       TEXT,
  lease_until           TEXT,
  last_error            TEXT,
  -- The wrapped request, built at the first attempt and never changed.
  as2_from              TEXT,
  as2_to                TEXT,
  request_headers       TEXT,                                              -- JSON [[name, value], …]
  request_body          BLOB,
  layers                TEXT,                                              -- JSON, e.g. ["compressed","signed:sha256","encrypted:aes-256-cbc"]
  expected_mic          TEXT,                                              -- base64, what Received-Content-MIC must say
  mic_algorithm         TEXT,
  mdn_mode              TEXT CHECK (mdn_mode IS NULL OR mdn_mode IN ('sync', 'async', 'none')),
  mdn_signed_requested  INTEGER CHECK (mdn_signed_requested IS NULL OR mdn_signed_requested IN (0, 1)),
  built_at              TEXT,
  sent_at               TEXT,                                              -- the partner's HTTP 2xx
  -- The MDN received (sync in the response, async POSTed to our /as2).
  mdn_received_at       TEXT,
  mdn_headers           TEXT,                                              -- JSON [[name, value], …]
  mdn_body              BLOB,
  mdn_message_id        TEXT,
  mdn_disposition       TEXT,                                              -- the Disposition field as sent
  mdn_positive          INTEGER CHECK (mdn_positive IS NULL OR mdn_positive IN (0, 1)),
  mdn_signature         TEXT CHECK (mdn_signature IS NULL OR mdn_signature IN ('valid', 'unsigned', 'invalid')),
  mdn_signer            TEXT,                                              -- the partner certificate that signed it
  mdn_mic               TEXT,                                              -- Received-Content-MIC as sent, e.g. "abc=, sha-256"
  mdn_mic_matched       INTEGER CHECK (mdn_mic_matched IS NULL OR mdn_mic_matched IN (0, 1)),
  delivered_at          TEXT,
  failure_reason        TEXT,
  CHECK ((relates_to_type IS NULL) = (relates_to_id IS NULL)),
  CHECK (state NOT IN ('failed', 'exhausted') OR failure_reason IS NOT NULL),
  CHECK (state <> 'delivered' OR (delivered_at IS NOT NULL AND mdn_positive = 1)),
  CHECK (state <> 'sending' OR lease_until IS NOT NULL),
  CHECK (state NOT IN ('sent', 'delivered', 'failed') OR request_body IS NOT NULL)
);
CREATE INDEX as2_outbound_due ON as2_outbound_messages(next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX as2_outbound_by_partner ON as2_outbound_messages(partner_id, created_at);
CREATE INDEX as2_outbound_by_relation ON as2_outbound_messages(relates_to_type, relates_to_id) WHERE relates_to_id IS NOT NULL;

-- What was queued is what is sent.
CREATE TRIGGER as2_outbound_content_fixed
BEFORE UPDATE OF id, partner_id, message_id, subject, filename, content_type, payload, payload_sha256, payload_size_bytes,
                 purpose, relates_to_type, relates_to_id, created_at ON as2_outbound_messages
BEGIN SELECT RAISE(ABORT, 'a queued AS2 message is never edited; queue a new one'); END;
-- The request, once built, is the one every retry sends (same Message-ID, same MIC).
CREATE TRIGGER as2_outbound_request_fixed
BEFORE UPDATE OF as2_from, as2_to, request_headers, request_body, layers, expected_mic, mic_algorithm, mdn_mode, mdn_signed_requested, built_at
ON as2_outbound_messages
WHEN OLD.request_body IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the request of an outbound AS2 message is never changed once built'); END;
-- The first MDN is the answer; a later copy is not recorded over it.
CREATE TRIGGER as2_outbound_mdn_fixed
BEFORE UPDATE OF mdn_received_at, mdn_headers, mdn_body, mdn_message_id, mdn_disposition, mdn_positive, mdn_signature, mdn_signer, mdn_mic, mdn_mic_matched
ON as2_outbound_messages
WHEN OLD.mdn_body IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the MDN of an outbound AS2 message is never changed once recorded'); END;
CREATE TRIGGER as2_outbound_no_delete BEFORE DELETE ON as2_outbound_messages
BEGIN SELECT RAISE(ABORT, 'outbound AS2 messages are kept: DELETE refused'); END;
