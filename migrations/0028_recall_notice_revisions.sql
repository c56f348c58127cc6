-- EU field safety notice revisions (MDCG 2023-3 and its FSN template: an FSN has a reference and a
-- type, new / update / follow-up). The notice sent at release is revision 1, 'new', and has no
-- row here: it is the recall as issued. QA's later notices on an open recall are revisions 2, 3 …
--   update:    supersedes the notice before it (more lots, changed actions, a changed hazard):
--              every consignee is asked to reply again;
--   follow_up: adds information to the notice in force; the replies already given stand.
-- Each revision is signed by QA (meaning 'approval') over the hash of its payload, as stored, and
-- is permanent like the replies (0009): no UPDATE, no DELETE. lotbridge audit verify recomputes it.
-- Forward-only: never edit this file once applied; add a later migration instead.
CREATE TABLE recall_notice_revisions (
  id            TEXT PRIMARY KEY,
  recall_id     TEXT NOT NULL REFERENCES recalls(id),
  revision      INTEGER NOT NULL CHECK (revision >= 2),
  type          TEXT NOT NULL CHECK (type IN ('update', 'follow_up')),
  payload       TEXT NOT NULL,                                  -- JSON: what QA signed (recall-notice-revision.ts)
  record_hash   TEXT NOT NULL,
  signature_id  TEXT NOT NULL REFERENCES signatures(id),
  created_by    TEXT NOT NULL REFERENCES users(id),
  created_at    TEXT NOT NULL,
  UNIQUE (recall_id, revision)
);

CREATE TRIGGER recall_notice_revisions_no_update BEFORE UPDATE ON recall_notice_revisions
BEGIN SELECT RAISE(ABORT, 'notice revisions are permanent: a change is a new revision'); END;
CREATE TRIGGER recall_notice_revisions_no_delete BEFORE DELETE ON recall_notice_revisions
BEGIN SELECT RAISE(ABORT, 'notice revisions are permanent: DELETE refused'); END;

-- The revision of the notice a reply answers, set when the reply is stored (replies are never
-- updated: 0009's triggers). Replies from before this migration answered the first notice.
ALTER TABLE recall_acknowledgements ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1);
