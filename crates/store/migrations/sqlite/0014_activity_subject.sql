-- The subject line of an email activity (captured or sent), as the message had it: what the
-- rep recognises a message by in a deal's timeline. NULL for other activities and for emails
-- recorded before it was kept.
ALTER TABLE activities ADD COLUMN subject TEXT;
