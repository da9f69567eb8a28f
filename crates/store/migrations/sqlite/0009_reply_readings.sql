-- What each reply was read as, what it changed and what those changes replaced: the audit
-- trail of the loop, and what a rep's override undoes.
CREATE TABLE reply_readings (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    contact_id BIGINT,
    sender TEXT NOT NULL,
    address TEXT NOT NULL,
    class TEXT NOT NULL,
    reading TEXT NOT NULL,
    changes TEXT NOT NULL,
    state TEXT NOT NULL,
    read_at BIGINT NOT NULL,
    decided_by TEXT NOT NULL,
    replaced_by BIGINT
);
CREATE INDEX reply_readings_activity ON reply_readings (activity_id);
CREATE INDEX reply_readings_state ON reply_readings (state, deal_id);

-- Addresses that asked not to be contacted: refused everywhere, whoever they belong to.
CREATE TABLE blocked_addresses (
    address TEXT PRIMARY KEY,
    blocked_at BIGINT NOT NULL,
    reason TEXT NOT NULL
);
