-- Recalls, from review to effectiveness: what QA records on a recall, the notice each
-- distributor gets, the distributors' signed acknowledgements (versions, never edited), the
-- reminders and escalations sent, and the effectiveness checks sampled per level A–E.

-- Who at an organisation gets recall notices and escalations (a distributor may have no
-- portal user yet: the notice link leads to an account).
ALTER TABLE organisations ADD COLUMN recall_contact_email TEXT;
ALTER TABLE organisations ADD COLUMN escalation_contact_email TEXT;

-- What the follow-up and the dashboard query; the recall as issued stays in payload.
ALTER TABLE recalls ADD COLUMN severity INTEGER NOT NULL DEFAULT 2 CHECK (severity IN (1, 2, 3));   -- 1 = highest risk (FDA class I, NMPA level 1)
ALTER TABLE recalls ADD COLUMN response_deadline TEXT;                                                 -- instant (UTC)
ALTER TABLE recalls ADD COLUMN effectiveness_level TEXT NOT NULL DEFAULT 'C' CHECK (effectiveness_level IN ('A', 'B', 'C', 'D', 'E'));
ALTER TABLE recalls ADD COLUMN notice_locales TEXT NOT NULL DEFAULT '["en","zh-CN"]';                  -- JSON array
ALTER TABLE recalls ADD COLUMN record_hash TEXT;                                                       -- what QA's signature binds to (portal recalls)
ALTER TABLE recalls ADD COLUMN created_by TEXT REFERENCES users(id);                                   -- QA author (portal recalls)
ALTER TABLE recalls ADD COLUMN notices_sent_at TEXT;
ALTER TABLE recalls ADD COLUMN notices_sent_by TEXT REFERENCES users(id);

-- One notice per recall and distributor. Delivery is read from mail_messages
-- (entity_type 'recall_notice'); opening and acknowledging are recorded here.
CREATE TABLE recall_notices (
  id                           TEXT PRIMARY KEY,
  recall_id                    TEXT NOT NULL REFERENCES recalls(id),
  distributor_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  recipients                   TEXT NOT NULL,                 -- JSON array of addresses; [] = nobody to send to
  sent_at                      TEXT NOT NULL,
  link_expires_at              TEXT NOT NULL,
  first_opened_at              TEXT,
  last_opened_at               TEXT,
  open_count                   INTEGER NOT NULL DEFAULT 0,
  first_acknowledged_at        TEXT,
  latest_version               INTEGER NOT NULL DEFAULT 0,   -- of recall_acknowledgements
  quarantine_confirmed_at      TEXT,
  follow_up_level              INTEGER NOT NULL DEFAULT 0 CHECK (follow_up_level BETWEEN 0 AND 3),
  UNIQUE (recall_id, distributor_organisation_id)
);
CREATE INDEX recall_notices_by_distributor ON recall_notices(distributor_organisation_id);

-- A distributor's signed reply. A correction is a new version; none is ever changed.
CREATE TABLE recall_acknowledgements (
  id                           TEXT PRIMARY KEY,
  notice_id                    TEXT NOT NULL REFERENCES recall_notices(id),
  recall_id                    TEXT NOT NULL REFERENCES recalls(id),
  distributor_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  version                      INTEGER NOT NULL CHECK (version >= 1),
  holds_stock                  INTEGER NOT NULL CHECK (holds_stock IN (0, 1)),
  comment                      TEXT,
  record_hash                  TEXT NOT NULL,
  signature_id                 TEXT NOT NULL REFERENCES signatures(id),
  submitted_by                 TEXT NOT NULL REFERENCES users(id),
  submitted_at                 TEXT NOT NULL,
  UNIQUE (notice_id, version)
);

CREATE TABLE recall_acknowledgement_lots (
  acknowledgement_id  TEXT NOT NULL REFERENCES recall_acknowledgements(id),
  gtin                TEXT NOT NULL,
  lot                 TEXT,
  received            INTEGER NOT NULL CHECK (received >= 0),
  on_hand             INTEGER NOT NULL CHECK (on_hand >= 0),
  quarantined         INTEGER NOT NULL CHECK (quarantined >= 0 AND quarantined <= on_hand),
  returned            INTEGER NOT NULL CHECK (returned >= 0),
  destroyed           INTEGER NOT NULL CHECK (destroyed >= 0),
  distributed         INTEGER NOT NULL CHECK (distributed >= 0),     -- the sum over its sub-recipients
  CHECK (on_hand + returned + destroyed + distributed <= received)
);
CREATE UNIQUE INDEX recall_acknowledgement_lots_key ON recall_acknowledgement_lots(acknowledgement_id, gtin, ifnull(lot, ''));

CREATE TABLE recall_subrecipients (
  acknowledgement_id  TEXT NOT NULL REFERENCES recall_acknowledgements(id),
  gtin                TEXT NOT NULL,
  lot                 TEXT,
  name                TEXT NOT NULL,
  contact             TEXT,
  quantity            INTEGER NOT NULL CHECK (quantity >= 1),
  notified_on         TEXT NOT NULL                                   -- date the sub-recipient was told
);
CREATE INDEX recall_subrecipients_by_acknowledgement ON recall_subrecipients(acknowledgement_id);

CREATE TRIGGER recall_acknowledgements_no_update BEFORE UPDATE ON recall_acknowledgements
BEGIN SELECT RAISE(ABORT, 'acknowledgements are permanent: a correction is a new version'); END;
CREATE TRIGGER recall_acknowledgements_no_delete BEFORE DELETE ON recall_acknowledgements
BEGIN SELECT RAISE(ABORT, 'acknowledgements are permanent: DELETE refused'); END;
CREATE TRIGGER recall_acknowledgement_lots_no_update BEFORE UPDATE ON recall_acknowledgement_lots
BEGIN SELECT RAISE(ABORT, 'acknowledgements are permanent: a correction is a new version'); END;
CREATE TRIGGER recall_acknowledgement_lots_no_delete BEFORE DELETE ON recall_acknowledgement_lots
BEGIN SELECT RAISE(ABORT, 'acknowledgements are permanent: DELETE refused'); END;
CREATE TRIGGER recall_subrecipients_no_update BEFORE UPDATE ON recall_subrecipients
BEGIN SELECT RAISE(ABORT, 'acknowledgements are permanent: a correction is a new version'); END;
CREATE TRIGGER recall_subrecipients_no_delete BEFORE DELETE ON recall_subrecipients
BEGIN SELECT RAISE(ABORT, 'acknowledgements are permanent: DELETE refused'); END;

-- Reminders before the deadline, second and final notices after it; each sent once.
CREATE TABLE recall_follow_ups (
  notice_id  TEXT NOT NULL REFERENCES recall_notices(id),
  kind       TEXT NOT NULL CHECK (kind IN ('reminder', 'second_notice', 'final_notice')),
  due_at     TEXT NOT NULL,
  sent_at    TEXT NOT NULL,
  PRIMARY KEY (notice_id, kind)
);

-- The consignees drawn for an effectiveness check (level A: all … E: none) and the outcome.
CREATE TABLE recall_effectiveness_checks (
  recall_id                    TEXT NOT NULL REFERENCES recalls(id),
  distributor_organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  selected_at                  TEXT NOT NULL,
  outcome                      TEXT CHECK (outcome IN ('effective', 'ineffective')),
  note                         TEXT,
  checked_at                   TEXT,
  checked_by                   TEXT REFERENCES users(id),
  PRIMARY KEY (recall_id, distributor_organisation_id)
);

-- Attachments rendered when the message is sent (e.g. a notice PDF): [{"kind": …, "ref": {…}}].
ALTER TABLE mail_messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';

-- Keys the server makes for itself (e.g. to sign notice links), created on first use.
CREATE TABLE server_keys (
  name        TEXT PRIMARY KEY,
  key         BLOB NOT NULL,
  created_at  TEXT NOT NULL
);
