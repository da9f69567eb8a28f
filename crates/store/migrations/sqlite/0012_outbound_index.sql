-- The rep's touches on a deal, newest first: what a reply answers is found by a seek, not by
-- walking back through every reply before it.
CREATE INDEX activities_outbound ON activities (deal_id, at, id, play) WHERE direction = 'outbound';
