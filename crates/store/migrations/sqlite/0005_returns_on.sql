-- An auto-reply's return date: no touch is proposed before it.
ALTER TABLE activities ADD COLUMN returns_on TEXT;
DROP INDEX activities_timeline;
CREATE INDEX activities_timeline ON activities
    (deal_id, at, id, kind, direction, outcome, contact_id, play, tone_findings, tone_phrase, body_fingerprint, returns_on);
