-- Reasons to come back: trigger events at accounts (funding, promotions, new leaders...),
-- features that shipped, and the words prospects use for features.
CREATE TABLE trigger_events (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    contact_id BIGINT REFERENCES contacts (id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    source TEXT NOT NULL,
    note TEXT,
    UNIQUE (account_id, kind, on_date, source)
);
CREATE INDEX trigger_events_date ON trigger_events (on_date);

CREATE TABLE shipped_features (
    feature TEXT PRIMARY KEY,
    shipped_on TEXT NOT NULL
);

CREATE TABLE feature_aliases (
    synonym TEXT PRIMARY KEY,
    feature TEXT NOT NULL
);

-- Offers for deals that were on the verge, with their window and who qualifies.
CREATE TABLE promotions (
    name TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL
);
