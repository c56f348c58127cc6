-- Certificate expiry reminders: one row per certificate version and threshold (90, 60 or 30
-- days before valid_to, or 0 for "expired"), written in the transaction that queues the
-- reminder mail, its audit entry and its certificate.expiring / certificate.expired event.
-- The UNIQUE constraint is what makes a rerun, or a second process, send nothing twice.
CREATE TABLE certificate_reminders (
  id               TEXT PRIMARY KEY,
  certificate_id   TEXT NOT NULL REFERENCES certificates(id),
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  threshold        INTEGER NOT NULL CHECK (threshold IN (90, 60, 30, 0)),  -- days before valid_to; 0 = expired
  valid_to         TEXT NOT NULL,                 -- the expiry date the reminder was about
  days_left        INTEGER NOT NULL,              -- on the day it was sent (negative: days overdue)
  recipients       INTEGER NOT NULL,              -- messages queued
  sent_at          TEXT NOT NULL,
  UNIQUE (certificate_id, threshold)
);
CREATE INDEX certificate_reminders_by_organisation ON certificate_reminders(organisation_id, sent_at);
