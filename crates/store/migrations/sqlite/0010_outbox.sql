-- Messages on their way out. A message's Message-ID is fixed when it is queued, so every
-- attempt is the same message; `sending` is set only once the server waits for the content,
-- so a crash leaves a message either untouched (sent again, once) or in doubt (never sent
-- again without the rep).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    to_address TEXT NOT NULL,
    play TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    in_reply_to TEXT,
    thread_refs TEXT,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    approved_at BIGINT,
    not_before BIGINT,
    hold_reason TEXT,
    attempt_at BIGINT,
    sent_at BIGINT,
    activity_id BIGINT REFERENCES activities (id),
    error TEXT
);
CREATE INDEX outbox_state ON outbox (state, not_before);

-- A contact's IANA time zone, for sending inside their working hours.
ALTER TABLE contacts ADD COLUMN time_zone TEXT;
