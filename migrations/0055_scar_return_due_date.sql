-- A returned SCAR step may get a new due date (issue 18 follow-up): QA gives it when returning,
-- as part of what QA signs. The round keeps it beside the decision, so `audit verify` can
-- recompute the signed hash; scar_steps.due_date then holds it (reminders and escalation use it).
-- NULL: the return kept the step's due date.
ALTER TABLE scar_step_rounds ADD COLUMN new_due_date TEXT CHECK (new_due_date IS NULL OR new_due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
