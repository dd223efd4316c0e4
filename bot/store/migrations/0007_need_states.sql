-- Where each support need stands, per person (application) and session: no row means
-- "asked for"; session_id 0 means "for all sessions" (a reading stand at every meeting).
-- session_version is the session's version when marked: a moved session is asked for again.
-- Rows go with the application (withdrawal of the needs consent deletes them in code).
CREATE TABLE need_states (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    need TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    session_version INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('arranging', 'arranged', 'cannot')),
    note TEXT,
    marked_by INTEGER NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (application_id, need, session_id)
);
