-- The deal record. Times are epoch seconds (BIGINT), dates ISO text, money integer cents:
-- the same SQL types work through sqlx's Any driver on SQLite and PostgreSQL.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    domain TEXT
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    title TEXT,
    role TEXT,
    do_not_contact BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX contacts_account ON contacts (account_id);

CREATE TABLE contact_emails (
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    email TEXT NOT NULL,
    PRIMARY KEY (contact_id, email)
);
CREATE INDEX contact_emails_email ON contact_emails (email);

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    stage TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    expected_close TEXT,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    lost_reason TEXT,
    lost_note TEXT,
    lost_at BIGINT,
    resurface_on TEXT
);
CREATE INDEX deals_status ON deals (status);

CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    said_at BIGINT NOT NULL,
    contact_id BIGINT
);
CREATE INDEX facts_deal ON facts (deal_id);

CREATE TABLE commitments (
    id INTEGER PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    party TEXT NOT NULL,
    what TEXT NOT NULL,
    due BIGINT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    made_at BIGINT NOT NULL
);
CREATE INDEX commitments_deal ON commitments (deal_id);

CREATE TABLE next_steps (
    deal_id BIGINT PRIMARY KEY REFERENCES deals (id),
    what TEXT NOT NULL,
    due BIGINT,
    booked BIGINT NOT NULL,
    set_at BIGINT NOT NULL
);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    kind TEXT NOT NULL,
    direction TEXT NOT NULL,
    at BIGINT NOT NULL,
    outcome TEXT,
    contact_id BIGINT,
    summary TEXT NOT NULL,
    body TEXT,
    play TEXT,
    tone_findings BIGINT NOT NULL DEFAULT 0,
    tone_phrase TEXT,
    body_fingerprint BIGINT
);
CREATE INDEX activities_deal_at ON activities (deal_id, at, id);

CREATE TABLE stage_changes (
    id INTEGER PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    stage TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX stage_changes_deal ON stage_changes (deal_id, at, id);

CREATE TABLE close_date_changes (
    id INTEGER PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    from_date TEXT,
    to_date TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX close_date_changes_deal ON close_date_changes (deal_id, at, id);

CREATE TABLE contracts (
    deal_id BIGINT PRIMARY KEY REFERENCES deals (id),
    vendor TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    notice_days BIGINT NOT NULL
);

CREATE TABLE needed_features (
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    feature TEXT NOT NULL,
    why TEXT,
    PRIMARY KEY (deal_id, feature)
);
