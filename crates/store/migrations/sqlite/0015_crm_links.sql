-- Records brought in from a CRM export: the CRM's id of each, the local record it became, and
-- its values as last imported (JSON), so a later export updates what the CRM changed and
-- reports what the rep changed too (rekindle_core::crm::merge).
CREATE TABLE crm_links (
    crm TEXT NOT NULL,
    object TEXT NOT NULL,
    external_id TEXT NOT NULL,
    local_id BIGINT NOT NULL,
    imported TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (crm, object, external_id)
);
CREATE INDEX crm_links_local ON crm_links (object, local_id);

-- What was exported back to a CRM, by key (a task for a deal's play due on a day, a note for a
-- diagnosis, a deal update): a CRM's importer cannot update a task or a note it already has, so
-- nothing is exported twice.
CREATE TABLE crm_exports (
    crm TEXT NOT NULL,
    key TEXT NOT NULL,
    exported_at BIGINT NOT NULL,
    PRIMARY KEY (crm, key)
);
