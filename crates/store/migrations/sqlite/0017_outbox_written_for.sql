-- What an outbox message was written for, so the send-time check can tell when the record has
-- moved on since the rep approved it.
-- purpose: 'sequence' (the re-engagement sequence of an open deal) or 'revival' (bringing a
--   lost, nurtured or dark deal back: `revive --queue`, a revival play). NULL on messages
--   queued before it was kept: read from the play.
-- approved_status, approved_resurface_on: the deal's status and date to look again when the
--   message was last approved. NULL on messages approved before they were kept.
ALTER TABLE outbox ADD COLUMN purpose TEXT;
ALTER TABLE outbox ADD COLUMN approved_status TEXT;
ALTER TABLE outbox ADD COLUMN approved_resurface_on TEXT;
