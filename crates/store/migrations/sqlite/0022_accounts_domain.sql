-- A CRM company is the account already here with its web domain (added by hand under another
-- name): an index lookup per company, any case, instead of a scan of every account.
CREATE INDEX accounts_domain ON accounts (domain COLLATE NOCASE);
