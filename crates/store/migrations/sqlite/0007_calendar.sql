-- Calendar occurrences seen, by UID (plus the instance's start for a recurring event): the
-- version (SEQUENCE) and what the record made of it, so a re-import adds nothing and a later
-- version moves the record on.  A deal's next step is its earliest meeting ahead.
CREATE TABLE calendar_events (
    key TEXT PRIMARY KEY,
    sequence BIGINT NOT NULL,
    state TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    -- The next step this meeting is, while it is ahead ("Meeting: Numbers review").
    step TEXT NOT NULL,
    deal_id BIGINT REFERENCES deals (id) ON DELETE CASCADE,
    imported_at BIGINT NOT NULL
);

CREATE INDEX calendar_events_deal ON calendar_events (deal_id, state, start_at);
