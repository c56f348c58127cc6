-- Indexes for the portal's signed-in lists (issue 16, bench/portal.ts).
-- A supplier's certificates, newest first: the list (every state but superseded) reads its first
-- page from the index instead of sorting all of the organisation's versions; a list of one state
-- (the home page's rejected ones, QA's queue of one supplier) from the second, which replaces
-- certificates_by_organisation (organisation_id, state) with the submission time added.
CREATE INDEX certificates_by_organisation_submitted ON certificates(organisation_id, submitted_at);
DROP INDEX certificates_by_organisation;
CREATE INDEX certificates_by_organisation_state ON certificates(organisation_id, state, submitted_at);
-- Only a lot with an order line or a CoC / CoA can be flagged (`flaggedLot` in
-- shared/lots/list-lots.ts): the flagged filter (the supplier's home page) skips the others
-- through this index instead of testing every lot.
CREATE INDEX lots_flag_candidates ON lots(organisation_id, submitted_at)
  WHERE purchase_order_id IS NOT NULL OR certificate_series_id IS NOT NULL;
