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
