-- How far each synced mail folder has been read: its UIDVALIDITY and the last UID recorded.
CREATE TABLE mail_folders (
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uid_validity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL,
    synced_at BIGINT NOT NULL,
    PRIMARY KEY (account, folder)
);
