-- Onward distribution and recall depth (issue 14, 21 CFR 7.42(b)(1), NMPA 使用单位): a consignee
-- passes its notice on to its own customers (hospitals, pharmacies, clinics, distributors), each
-- reached by its own signed mail link and replying without an account; a customer may pass it on
-- again (parent_id), so the depth a recall reached can be counted level by level
-- (level 1 = the consignees in recall_notices, 2 = their customers, …).

-- What kind of consignee an organisation is for recalls: a healthcare facility or pharmacy is
-- reached at user / retail level (21 CFR 7.42(b)(1)), a distributor at wholesale level. Set by the
-- manufacturer's administrator (set-consignee-type.ts); organisations.kind stays as it is.
ALTER TABLE organisations ADD COLUMN consignee_type TEXT NOT NULL DEFAULT 'distributor'
  CHECK (consignee_type IN ('distributor', 'healthcare_facility', 'pharmacy'));

-- One notice passed on to one customer. What was sent to whom is fixed; the openings and the
-- reply progress only move forward.
CREATE TABLE recall_onward_notices (
  id                 TEXT PRIMARY KEY,                                   -- ron_…
  recall_id          TEXT NOT NULL REFERENCES recalls(id),
  notice_id          TEXT NOT NULL REFERENCES recall_notices(id),        -- the consignee's notice it descends from
  parent_id          TEXT REFERENCES recall_onward_notices(id),          -- NULL: passed on by the consignee itself
  level              INTEGER NOT NULL CHECK (level >= 2),
  passed_on_by       TEXT NOT NULL,                                      -- the name shown: the consignee's or the parent customer's
  passed_on_by_user  TEXT REFERENCES users(id),                          -- the consignee's user; NULL when a customer passed it on by its link
  name               TEXT NOT NULL,
  customer_type      TEXT NOT NULL CHECK (customer_type IN ('hospital', 'pharmacy', 'clinic', 'distributor', 'other')),
  email              TEXT NOT NULL,
  contact_person     TEXT,
  language           TEXT NOT NULL,
  lots               TEXT NOT NULL,                                      -- JSON [{gtin, lot, quantity}]
  sent_at            TEXT NOT NULL,
  link_expires_at    TEXT NOT NULL,
  first_opened_at    TEXT,
  open_count         INTEGER NOT NULL DEFAULT 0,
  latest_version     INTEGER NOT NULL DEFAULT 0,
  CHECK ((level = 2) = (parent_id IS NULL))
);
CREATE INDEX recall_onward_notices_by_recall ON recall_onward_notices(recall_id, level);
CREATE INDEX recall_onward_notices_by_notice ON recall_onward_notices(notice_id);
CREATE INDEX recall_onward_notices_by_parent ON recall_onward_notices(parent_id);

-- A customer's reply: a declaration by name (no account, not a Part 11 e-signature), hashed.
-- A correction is a new version; none is ever changed.
CREATE TABLE recall_onward_replies (
  id                  TEXT PRIMARY KEY,
  onward_notice_id    TEXT NOT NULL REFERENCES recall_onward_notices(id),
  version             INTEGER NOT NULL CHECK (version >= 1),
  understood          INTEGER NOT NULL CHECK (understood = 1),
  passed_on           INTEGER NOT NULL CHECK (passed_on IN (0, 1)),
  passed_on_count     INTEGER NOT NULL CHECK (passed_on_count >= 0 AND (passed_on = 1 OR passed_on_count = 0)),
  declarant_name      TEXT NOT NULL,
  declarant_function  TEXT NOT NULL,
  declarant_phone     TEXT NOT NULL,
  declarant_email     TEXT NOT NULL,
  record_hash         TEXT NOT NULL,
  submitted_at        TEXT NOT NULL,
  UNIQUE (onward_notice_id, version)
);

CREATE TABLE recall_onward_reply_lots (
  reply_id     TEXT NOT NULL REFERENCES recall_onward_replies(id),
  gtin         TEXT NOT NULL,
  lot          TEXT,
  on_hand      INTEGER NOT NULL CHECK (on_hand >= 0),
  quarantined  INTEGER NOT NULL CHECK (quarantined >= 0 AND quarantined <= on_hand),
  returned     INTEGER NOT NULL CHECK (returned >= 0),
  destroyed    INTEGER NOT NULL CHECK (destroyed >= 0)
);
CREATE UNIQUE INDEX recall_onward_reply_lots_key ON recall_onward_reply_lots(reply_id, gtin, ifnull(lot, ''));

CREATE TRIGGER recall_onward_notices_content_fixed
BEFORE UPDATE OF id, recall_id, notice_id, parent_id, level, passed_on_by, passed_on_by_user, name, customer_type, email,
                 contact_person, language, lots, sent_at, link_expires_at ON recall_onward_notices
BEGIN SELECT RAISE(ABORT, 'an onward notice is never edited: what was sent stays as sent'); END;
CREATE TRIGGER recall_onward_notices_progress_forward
BEFORE UPDATE OF first_opened_at, open_count, latest_version ON recall_onward_notices
WHEN NEW.open_count < OLD.open_count
  OR (OLD.first_opened_at IS NOT NULL AND NEW.first_opened_at IS NOT OLD.first_opened_at)
  OR NEW.latest_version <> ifnull((SELECT MAX(version) FROM recall_onward_replies WHERE onward_notice_id = NEW.id), 0)
BEGIN SELECT RAISE(ABORT, 'an onward notice''s openings and replies only move forward'); END;
CREATE TRIGGER recall_onward_notices_no_delete BEFORE DELETE ON recall_onward_notices
BEGIN SELECT RAISE(ABORT, 'onward notices are kept: DELETE refused'); END;

CREATE TRIGGER recall_onward_replies_no_update BEFORE UPDATE ON recall_onward_replies
BEGIN SELECT RAISE(ABORT, 'onward replies are permanent: a correction is a new version'); END;
CREATE TRIGGER recall_onward_replies_no_delete BEFORE DELETE ON recall_onward_replies
BEGIN SELECT RAISE(ABORT, 'onward replies are permanent: DELETE refused'); END;
CREATE TRIGGER recall_onward_reply_lots_no_update BEFORE UPDATE ON recall_onward_reply_lots
BEGIN SELECT RAISE(ABORT, 'onward replies are permanent: a correction is a new version'); END;
CREATE TRIGGER recall_onward_reply_lots_no_delete BEFORE DELETE ON recall_onward_reply_lots
BEGIN SELECT RAISE(ABORT, 'onward replies are permanent: DELETE refused'); END;
