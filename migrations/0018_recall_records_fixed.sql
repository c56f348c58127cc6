-- Recall records cannot change silently (21 CFR 11.10(c), 11.10(e), 11.70): the recall as
-- issued, its consignees, the notices, the effectiveness checks and the shipments they were
-- computed from are refused UPDATE and DELETE of their content, like certificates, lots and
-- invoices. What legitimately moves is listed column by column below, and only forward:
--   recalls:                     state received → open → closed; notices_sent_at/_by set once
--                                (send-recall-notices.ts, close-recall.ts)
--   recall_notices:              opening counters (open-notice-link.ts), the reply progress
--                                (submit-acknowledgement.ts), the follow-up level (send-recall-follow-ups.ts)
--   recall_effectiveness_checks: the outcome QA records (record-effectiveness-check.ts)
-- Replies (recall_acknowledgements, their lots and sub-recipients) are fixed since 0009.
-- Shipments get the record hash of their content (the trace base a recall is computed from);
-- lotbridge audit verify recomputes it, with the other record hashes.

ALTER TABLE shipments ADD COLUMN record_hash TEXT;  -- SHA-256 of the shipment and its lines as received; NULL before 0018

-- Recalls ---------------------------------------------------------------------------------
CREATE TRIGGER recalls_content_fixed
BEFORE UPDATE OF id, recall_number, source, payload, issued_at, received_at, severity, response_deadline, effectiveness_level,
                 notice_locales, record_hash, created_by ON recalls
BEGIN SELECT RAISE(ABORT, 'a recall is never edited: its content stays as issued'); END;
CREATE TRIGGER recalls_state_forward BEFORE UPDATE OF state ON recalls
WHEN NOT (NEW.state = OLD.state OR (OLD.state = 'received' AND NEW.state = 'open') OR (OLD.state = 'open' AND NEW.state = 'closed'))
BEGIN SELECT RAISE(ABORT, 'a recall only moves forward: received, open, closed'); END;
CREATE TRIGGER recalls_released_once BEFORE UPDATE OF notices_sent_at, notices_sent_by ON recalls
WHEN (OLD.notices_sent_at IS NOT NULL AND NEW.notices_sent_at IS NOT OLD.notices_sent_at)
  OR (OLD.notices_sent_by IS NOT NULL AND NEW.notices_sent_by IS NOT OLD.notices_sent_by)
BEGIN SELECT RAISE(ABORT, 'a recall is released once: notices_sent_at is never changed'); END;
CREATE TRIGGER recalls_no_delete BEFORE DELETE ON recalls
BEGIN SELECT RAISE(ABORT, 'recalls are kept: DELETE refused'); END;

-- Consignees: resolved or added once, never edited or removed -------------------------------
CREATE TRIGGER recall_consignees_no_update BEFORE UPDATE ON recall_consignees
BEGIN SELECT RAISE(ABORT, 'recall consignees are never edited: add a consignee instead'); END;
CREATE TRIGGER recall_consignees_no_delete BEFORE DELETE ON recall_consignees
BEGIN SELECT RAISE(ABORT, 'recall consignees are kept: DELETE refused'); END;

-- Shipments: the trace base, as the ERP reported it -----------------------------------------
CREATE TRIGGER shipments_no_update BEFORE UPDATE ON shipments
BEGIN SELECT RAISE(ABORT, 'shipments are never edited: they stay as the ERP reported them'); END;
CREATE TRIGGER shipments_no_delete BEFORE DELETE ON shipments
BEGIN SELECT RAISE(ABORT, 'shipments are kept: DELETE refused'); END;
CREATE TRIGGER shipment_lines_no_update BEFORE UPDATE ON shipment_lines
BEGIN SELECT RAISE(ABORT, 'shipments are never edited: they stay as the ERP reported them'); END;
CREATE TRIGGER shipment_lines_no_delete BEFORE DELETE ON shipment_lines
BEGIN SELECT RAISE(ABORT, 'shipments are kept: DELETE refused'); END;

-- Notices: what was sent to whom is fixed; progress only moves forward -----------------------
CREATE TRIGGER recall_notices_content_fixed
BEFORE UPDATE OF id, recall_id, distributor_organisation_id, recipients, sent_at, link_expires_at ON recall_notices
BEGIN SELECT RAISE(ABORT, 'a recall notice is never edited: what was sent stays as sent'); END;
CREATE TRIGGER recall_notices_opening_forward
BEFORE UPDATE OF first_opened_at, last_opened_at, open_count ON recall_notices
WHEN NEW.open_count < OLD.open_count
  OR (OLD.first_opened_at IS NOT NULL AND NEW.first_opened_at IS NOT OLD.first_opened_at)
  OR (OLD.last_opened_at IS NOT NULL AND NEW.last_opened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a recall notice''s openings only move forward'); END;
-- The reply progress follows the signed replies: latest_version is the newest stored version,
-- the first acknowledgement is set once, and the quarantine confirmation changes only with a new reply.
CREATE TRIGGER recall_notices_reply_progress
BEFORE UPDATE OF latest_version, first_acknowledged_at, quarantine_confirmed_at ON recall_notices
WHEN NEW.latest_version < OLD.latest_version
  OR NEW.latest_version <> ifnull((SELECT MAX(version) FROM recall_acknowledgements WHERE notice_id = NEW.id), 0)
  OR (OLD.first_acknowledged_at IS NOT NULL AND NEW.first_acknowledged_at IS NOT OLD.first_acknowledged_at)
  OR (NEW.quarantine_confirmed_at IS NOT OLD.quarantine_confirmed_at AND NEW.latest_version = OLD.latest_version)
BEGIN SELECT RAISE(ABORT, 'a recall notice''s reply progress follows its signed replies'); END;
CREATE TRIGGER recall_notices_follow_up_forward BEFORE UPDATE OF follow_up_level ON recall_notices
WHEN NEW.follow_up_level < OLD.follow_up_level
BEGIN SELECT RAISE(ABORT, 'a recall notice''s follow-up level only rises'); END;
CREATE TRIGGER recall_notices_no_delete BEFORE DELETE ON recall_notices
BEGIN SELECT RAISE(ABORT, 'recall notices are kept: DELETE refused'); END;

CREATE TRIGGER recall_follow_ups_no_update BEFORE UPDATE ON recall_follow_ups
BEGIN SELECT RAISE(ABORT, 'a sent follow-up is never edited'); END;
CREATE TRIGGER recall_follow_ups_no_delete BEFORE DELETE ON recall_follow_ups
BEGIN SELECT RAISE(ABORT, 'sent follow-ups are kept: DELETE refused'); END;

-- Effectiveness checks: the draw is fixed; an outcome, once recorded, names who and when -----
CREATE TRIGGER recall_effectiveness_checks_draw_fixed
BEFORE UPDATE OF recall_id, distributor_organisation_id, selected_at ON recall_effectiveness_checks
BEGIN SELECT RAISE(ABORT, 'an effectiveness check draw is never edited'); END;
CREATE TRIGGER recall_effectiveness_checks_outcome_recorded
BEFORE UPDATE OF outcome, note, checked_at, checked_by ON recall_effectiveness_checks
WHEN NEW.outcome IS NULL OR NEW.checked_at IS NULL OR NEW.checked_by IS NULL
BEGIN SELECT RAISE(ABORT, 'an effectiveness check outcome is recorded with who and when, never removed'); END;
CREATE TRIGGER recall_effectiveness_checks_no_delete BEFORE DELETE ON recall_effectiveness_checks
BEGIN SELECT RAISE(ABORT, 'effectiveness checks are kept: DELETE refused'); END;
