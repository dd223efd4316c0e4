-- A broadcast to those with a place at one session: audience 'confirmed' and this session
-- (people who said No to it, or to interviews for an interview, are left out).
ALTER TABLE broadcasts ADD COLUMN session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL;
-- Why a broadcast marked sending was never sent (such as 'panel_closed'), for the report.
ALTER TABLE broadcasts ADD COLUMN stopped_reason TEXT;
