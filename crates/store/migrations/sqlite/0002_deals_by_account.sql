-- Deals are read account by account: a contact's history lives on its account's deals.
CREATE INDEX deals_account ON deals (account_id, id);
