-- Recall regulators (issue 14, slice F). Forward-only: never edit this file once applied.
--
-- Dates a person enters or reads are judged in their organisation's time zone: a Suzhou
-- supplier's "today", a US distributor's deadline. Instants stay stored in UTC; the zone is the
-- IANA name the manufacturer's administrator sets (organisation.time_zone_set in the audit
-- trail). Organisations start in UTC, which is how every date was judged before.
ALTER TABLE organisations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

-- Returns, destruction and corrections (the recall's actions) are due by this instant; the
-- quarantine of stock on hand is due by the reply deadline (response_deadline). Computed when
-- the recall is recorded: the end of the recall's actionsDeadline date in the zone QA entered it
-- in, or, when none is given, the reply deadline plus the default reply days of its severity
-- (5, 10, 20: recall-terms.ts). Set once, like the reply deadline it derives from.
ALTER TABLE recalls ADD COLUMN actions_deadline TEXT;
UPDATE recalls SET actions_deadline = strftime('%Y-%m-%dT%H:%M:%fZ', response_deadline,
       '+' || CASE severity WHEN 1 THEN 5 WHEN 2 THEN 10 ELSE 20 END || ' days')
 WHERE response_deadline IS NOT NULL;
CREATE TRIGGER recalls_actions_deadline_fixed BEFORE UPDATE OF actions_deadline ON recalls
WHEN OLD.actions_deadline IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a recall is never edited: its actions deadline stays as issued'); END;

-- Follow-ups of a consignee that replied but left something open: stock on hand not all
-- quarantined by the reply deadline, or stock still on hand (not returned, destroyed or
-- corrected) after the actions deadline. A reminder, then a final notice copied to the
-- escalation contact and QA; once each per notice (the primary key is the claim, as in
-- recall_follow_ups, whose CHECK on kind would need a table rebuild to take these kinds).
CREATE TABLE recall_action_follow_ups (
  notice_id  TEXT NOT NULL REFERENCES recall_notices(id),
  kind       TEXT NOT NULL CHECK (kind IN ('quarantine_reminder', 'quarantine_final_notice', 'actions_reminder', 'actions_final_notice')),
  due_at     TEXT NOT NULL,
  sent_at    TEXT NOT NULL,
  open_lots  TEXT NOT NULL,   -- JSON: what was open when it was sent [{gtin, lot, onHand, quarantined}]
  PRIMARY KEY (notice_id, kind)
);
CREATE TRIGGER recall_action_follow_ups_no_update BEFORE UPDATE ON recall_action_follow_ups
BEGIN SELECT RAISE(ABORT, 'a sent follow-up is never edited'); END;
CREATE TRIGGER recall_action_follow_ups_no_delete BEFORE DELETE ON recall_action_follow_ups
BEGIN SELECT RAISE(ABORT, 'sent follow-ups are kept: DELETE refused'); END;
