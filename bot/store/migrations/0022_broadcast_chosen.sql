-- A broadcast to chosen people: those ticked from everyone signed up. The audience stays
-- 'everyone' (its CHECK allows no other word) and `chosen` narrows it to the ticked.
ALTER TABLE broadcasts ADD COLUMN chosen INTEGER NOT NULL DEFAULT 0;
CREATE TABLE broadcast_chosen (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    PRIMARY KEY (broadcast_id, volunteer_id)
);
