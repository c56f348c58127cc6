-- Daily work (issue 13): what the home work lists count on every visit, read from an index instead
-- of a scan of the whole table. Forward-only: never edit this file once applied; add 0027_… instead.

-- A supplier's flagged lots: is the certificate series a lot names rejected (and none of it
-- approved or waiting)? Without statistics the planner took certificates_by_state and scanned
-- every rejected certificate of every supplier per lot.
CREATE INDEX certificates_by_series_state ON certificates(series_id, state);

-- The administrator's failures: few rows, looked up by their state on each visit.
CREATE INDEX mail_messages_failed ON mail_messages(created_at) WHERE state = 'failed';
CREATE INDEX as2_messages_failed ON as2_messages(received_at) WHERE state = 'failed';
CREATE INDEX as2_messages_edifact_failed ON as2_messages(received_at) WHERE edifact_state = 'failed';
CREATE INDEX as2_outbound_messages_by_state ON as2_outbound_messages(state, created_at);
