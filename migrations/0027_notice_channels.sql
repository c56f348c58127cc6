-- Every consignee reached for the whole life of a recall (issue 14, slice A):
--   channels           what a notice actually went out on, recorded when it is issued: a JSON
--                      array of 'email' (mailed to its recipients), 'as2' (the notice PDFs queued
--                      to its EDI partner profile), 'portal' (its organisation had active portal
--                      users, who see the notice on their recalls page). '[]' = nobody was reached:
--                      QA must reach the distributor another way. The dashboard and the 21 CFR
--                      7.53(b)(1) "method of notification" are read from it.
--   response_deadline  the notice's own reply deadline (instant, UTC). At the release it is the
--                      recall's; a consignee added after the release gets at least the default
--                      reply time of the recall's severity from its own notice, so its follow-ups
--                      do not start overdue. Read as ifnull(n.response_deadline, r.response_deadline).
-- Both are part of what was sent: fixed like the rest of the notice (0018).

ALTER TABLE recall_notices ADD COLUMN channels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE recall_notices ADD COLUMN response_deadline TEXT;

-- Notices sent before this migration: mailed when they had recipients, over AS2 when a PDF was
-- queued for them; the recall's deadline was theirs.
UPDATE recall_notices SET
  channels = (SELECT json_group_array(channel) FROM (
                SELECT 'email' AS channel WHERE json_array_length(recall_notices.recipients) > 0
                UNION ALL
                SELECT 'as2' WHERE EXISTS (SELECT 1 FROM as2_outbound_messages AS m
                                            WHERE m.relates_to_type = 'recall_notice' AND m.relates_to_id = recall_notices.id))),
  response_deadline = (SELECT r.response_deadline FROM recalls AS r WHERE r.id = recall_notices.recall_id);

DROP TRIGGER recall_notices_content_fixed;
CREATE TRIGGER recall_notices_content_fixed
BEFORE UPDATE OF id, recall_id, distributor_organisation_id, recipients, sent_at, link_expires_at, channels, response_deadline ON recall_notices
BEGIN SELECT RAISE(ABORT, 'a recall notice is never edited: what was sent stays as sent'); END;
