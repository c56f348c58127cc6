-- EDIFACT interchanges received from partners (uploaded, or over AS2), kept as received with
-- what became of them. An interchange is identified by its sender (UNB S002 id + qualifier) and
-- control reference (UNB 0020): a partner that sends the same reference again gets the first
-- answer again and nothing is processed twice (ISO 9735: the reference is unique per sender).
CREATE TABLE edi_interchanges (
  id                   TEXT PRIMARY KEY,
  organisation_id      TEXT REFERENCES organisations(id),             -- the partner organisation, when known
  sender_id            TEXT NOT NULL,                                 -- UNB S002 0004
  sender_qualifier     TEXT NOT NULL DEFAULT '',                      -- UNB S002 0007
  recipient_id         TEXT NOT NULL,                                 -- UNB S003 0010
  recipient_qualifier  TEXT NOT NULL DEFAULT '',
  control_reference    TEXT NOT NULL,                                 -- UNB 0020
  syntax               TEXT NOT NULL,                                 -- e.g. UNOC:3
  test_indicator       INTEGER NOT NULL DEFAULT 0,
  received_at          TEXT NOT NULL,
  received_by          TEXT REFERENCES users(id),                     -- an upload's user; NULL for AS2
  as2_message_id       TEXT,                                          -- the AS2 Message-ID it came in, if any
  file_name            TEXT,
  raw                  BLOB,                                          -- the bytes as received
  stored_file_id       TEXT REFERENCES stored_files(id),              -- or where they are kept
  sha256               TEXT NOT NULL,
  size_bytes           INTEGER NOT NULL,
  message_count        INTEGER NOT NULL DEFAULT 0,
  message_types        TEXT NOT NULL DEFAULT '[]',                    -- JSON, e.g. ["DESADV"]
  status               TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'partially_accepted', 'rejected')),
  problems             TEXT NOT NULL DEFAULT '[]',                    -- JSON EdifactProblem[] of the interchange
  acknowledgement      TEXT,                                          -- the CONTRL we answered with (EDIFACT text)
  acknowledged_at      TEXT,
  repeats              INTEGER NOT NULL DEFAULT 0,                    -- how often the same reference came again
  CHECK (raw IS NOT NULL OR stored_file_id IS NOT NULL),
  UNIQUE (sender_id, sender_qualifier, control_reference)
);
CREATE INDEX edi_interchanges_by_received ON edi_interchanges(received_at);
CREATE INDEX edi_interchanges_by_organisation ON edi_interchanges(organisation_id, received_at);

-- Each message of an interchange: its type, what we did with it, the records it became and the
-- APERAK we answered a business refusal with.
CREATE TABLE edi_messages (
  interchange_id     TEXT NOT NULL REFERENCES edi_interchanges(id),
  message_reference  TEXT NOT NULL,                                   -- UNH 0062
  message_type       TEXT NOT NULL,                                   -- UNH S009, e.g. DESADV:D:96A:UN:EAN005
  status             TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'unsupported')),
  problems           TEXT NOT NULL DEFAULT '[]',                      -- JSON EdifactProblem[]
  records            TEXT NOT NULL DEFAULT '[]',                      -- JSON [{type, id}] of the records it became
  aperak             TEXT,                                            -- the APERAK we answered with
  PRIMARY KEY (interchange_id, message_reference)
);

-- What was received stays as received.
CREATE TRIGGER edi_interchanges_content_fixed
BEFORE UPDATE OF id, organisation_id, sender_id, sender_qualifier, recipient_id, recipient_qualifier, control_reference, syntax,
                 received_at, received_by, as2_message_id, file_name, raw, stored_file_id, sha256, size_bytes ON edi_interchanges
BEGIN SELECT RAISE(ABORT, 'a received interchange is never edited'); END;
CREATE TRIGGER edi_interchanges_no_delete BEFORE DELETE ON edi_interchanges
BEGIN SELECT RAISE(ABORT, 'received interchanges are kept: DELETE refused'); END;
CREATE TRIGGER edi_messages_no_delete BEFORE DELETE ON edi_messages
BEGIN SELECT RAISE(ABORT, 'received messages are kept: DELETE refused'); END;
