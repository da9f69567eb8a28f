-- What Today counts, kept with the model so a page reads two numbers instead of counting the
-- model's rows: how many deals it holds, and how many have a play due on `due_day` (the UTC
-- day of the model's moment) or before. Set by a whole refresh, moved by each re-assessment;
-- NULL until the first refresh (then the rows are counted).
ALTER TABLE assessment_model ADD COLUMN deal_count BIGINT;
ALTER TABLE assessment_model ADD COLUMN due_day BIGINT;
ALTER TABLE assessment_model ADD COLUMN due_count BIGINT;

-- The top signal's one-line summary and why the next play, so a card (the board, Today) is
-- drawn from the slim row alone (no display JSON read). The model is emptied so the next read
-- assesses every deal again and fills them.
ALTER TABLE deal_assessments ADD COLUMN top_summary TEXT;
ALTER TABLE deal_assessments ADD COLUMN next_why TEXT;
DELETE FROM deal_assessment_signals;
DELETE FROM deal_assessment_bodies;
DELETE FROM deal_assessments;
UPDATE assessment_model SET assessed_at = NULL, deal_count = NULL, due_count = NULL, due_day = NULL;
