-- A CRM activity that names its deal rather than giving its id (Pipedrive's "Activity - Deal")
-- is matched by the deal's title: an index lookup per activity instead of a scan of every deal.
CREATE INDEX deals_title ON deals (title);
