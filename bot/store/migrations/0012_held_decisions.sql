-- A coordinator's decision (a place, a reserve, no place) waits in the outbox: a short hold
-- to undo it, and the morning if it was made in quiet hours. It goes only while the
-- person's status is still the one it tells them of (`for_status`), so a changed mind
-- sends one message, the last.
ALTER TABLE outbox ADD COLUMN for_status TEXT;
-- What the person knew before the decision: an undo goes back to it, sending nothing.
ALTER TABLE outbox ADD COLUMN told_status TEXT;
CREATE INDEX outbox_by_application ON outbox (application_id);

-- A broadcast sent in quiet hours waits, its recipients fixed, until this time.
ALTER TABLE broadcasts ADD COLUMN not_before TEXT;
