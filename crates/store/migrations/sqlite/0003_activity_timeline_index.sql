-- A deal's timeline is read in order with every column the engine needs, from the index
-- alone (text columns excluded): the scan never touches the activity rows themselves.
DROP INDEX activities_deal_at;
CREATE INDEX activities_timeline ON activities
    (deal_id, at, id, kind, direction, outcome, contact_id, play, tone_findings, tone_phrase, body_fingerprint);
