-- The new address an address-change notice gave for an address it retired ('moved to another
-- address'): what the reachability rule offers as the way to write to the person again.
ALTER TABLE blocked_addresses ADD COLUMN moved_to TEXT;
