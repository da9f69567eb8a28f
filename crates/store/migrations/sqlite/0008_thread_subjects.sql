-- The normalised subject of each recorded message: the thread's name when a client dropped
-- In-Reply-To and References.
ALTER TABLE mail_messages ADD COLUMN subject_key TEXT;
CREATE INDEX mail_messages_subject ON mail_messages (subject_key);
