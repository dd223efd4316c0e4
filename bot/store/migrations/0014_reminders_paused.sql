-- /settings: a person may pause their reminders (urgent session changes still reach them).
-- (Hearing about future panels is volunteers.future_panels, from 0001.)
ALTER TABLE volunteers ADD COLUMN reminders_paused INTEGER NOT NULL DEFAULT 0;
