-- Imported mail: one row a message, so a re-import adds nothing.
CREATE TABLE mail_messages (
    key TEXT PRIMARY KEY,
    message_id TEXT,
    deal_id BIGINT REFERENCES deals (id),
    activity_id BIGINT REFERENCES activities (id),
    imported_at BIGINT NOT NULL
);
CREATE INDEX mail_messages_message_id ON mail_messages (message_id);

-- An address that bounced, and when.
ALTER TABLE contact_emails ADD COLUMN bounced_at BIGINT;

-- People writing from a known account's domain who are not contacts yet.
CREATE TABLE contact_suggestions (
    address TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    deal_id BIGINT REFERENCES deals (id),
    first_seen BIGINT NOT NULL,
    messages BIGINT NOT NULL
);
