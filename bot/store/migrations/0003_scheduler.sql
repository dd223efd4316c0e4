-- The scheduler: what was sent, what waits, and what happened after the sessions.
-- All times are ISO 8601 strings in UTC. Nothing here is needed to rebuild a job: the jobs
-- are derived from these tables on every tick.

-- Raised when a session's time, place, link or cancellation changes (see
-- bot/store/session_versions.py), so every message keyed on a session version is new.
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- What each version of a session looked like, to say what changed.
CREATE TABLE session_snapshots (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    venue TEXT,
    online_link TEXT,
    cancelled INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (session_id, version)
);

-- Every reminder and notice goes at most once: its key is recorded right after it was sent
-- (or when it was deliberately skipped). Keys hold ids only, never personal details.
CREATE TABLE sent_ledger (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    panel_id INTEGER,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped', 'blocked', 'failed')),
    at TEXT NOT NULL
);
CREATE INDEX sent_ledger_by_panel ON sent_ledger (panel_id, kind);

-- Notices written by a use case for later: not before `not_before`, and outside quiet hours
-- unless urgent. Removed once sent.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    chat_id INTEGER NOT NULL,
    panel_id INTEGER REFERENCES panels(id) ON DELETE CASCADE,
    volunteer_id INTEGER REFERENCES volunteers(id) ON DELETE CASCADE,
    application_id INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    reply_json TEXT NOT NULL,
    document BLOB,
    not_before TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- "I'll be there" / "I can't make it", for one version of a session.
CREATE TABLE session_replies (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('coming', 'not_coming')),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (application_id, session_id)
);

-- A place offered to a reserve when someone cannot come. Each reserve once per session.
CREATE TABLE place_offers (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'offered'
        CHECK (status IN ('offered', 'accepted', 'declined', 'lapsed')),
    created_at TEXT NOT NULL,
    answered_at TEXT,
    UNIQUE (session_id, application_id)
);

-- Who came to each session, and what they are owed in pence (0 when taking part unpaid).
CREATE TABLE attendance (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    attended INTEGER NOT NULL,
    hours REAL,
    amount_pence INTEGER,
    marked_at TEXT NOT NULL,
    saved_at TEXT,
    PRIMARY KEY (application_id, session_id)
);

-- The end of a panel: scoring finished, then the award, announced no earlier than announce_at.
CREATE TABLE outcomes (
    panel_id INTEGER PRIMARY KEY REFERENCES panels(id) ON DELETE CASCADE,
    scoring_finished_at TEXT,
    awarded_to TEXT,
    announce_at TEXT,
    note TEXT,
    award_recorded_at TEXT
);

-- One row per person asked for feedback. Answers are short codes, the comment is free text.
CREATE TABLE feedback (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    invited_at TEXT NOT NULL,
    information TEXT,
    support TEXT,
    time_given TEXT,
    say_mattered TEXT,
    again TEXT,
    comment TEXT,
    future_panels TEXT,
    updated_at TEXT
);

-- A question the bot asked that is answered by typing (feedback comment, award details).
CREATE TABLE pending_prompts (
    telegram_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref INTEGER NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);

-- Deleting a panel's personal data: when it is due, when coordinators were warned, and what
-- was deleted, as counts only.
CREATE TABLE retention_runs (
    panel_id INTEGER PRIMARY KEY,
    due_at TEXT NOT NULL,
    warned_at TEXT,
    ran_at TEXT,
    applications_deleted INTEGER,
    volunteers_deleted INTEGER,
    volunteers_kept INTEGER
)
