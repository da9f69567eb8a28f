-- When a CRM's later export marked a record brought in before as deleted (Salesforce
-- `IsDeleted`): the local record stays (the rep decides what becomes of it), but nothing is
-- exported back to the CRM for it. A later export that has the record again clears it.
ALTER TABLE crm_links ADD COLUMN deleted_at BIGINT;
