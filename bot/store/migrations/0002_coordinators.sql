-- Coordinators: who they are beyond PANELBOT_COORDINATORS, what they are typing, what they did,
-- their broadcasts and the ledger of who got each, answers to questions, session changes
-- waiting to be told, and notices to them waiting to be sent as one digest.
-- All times are ISO 8601 strings in UTC.

-- Added with `panelbot coordinator add ID`, on top of the PANELBOT_COORDINATORS setting.
CREATE TABLE coordinators (
    telegram_id INTEGER PRIMARY KEY,
    added_at TEXT NOT NULL
);

-- What a coordinator is typing for (a broadcast, a reply, a new time or place), so a
-- restart keeps it.
CREATE TABLE coordinator_inputs (
    telegram_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

-- Every coordinator action: who, what, when, which panel and which person (by id only).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    coordinator_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    panel_code TEXT,
    volunteer_id INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log (at, id);

CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    coordinator_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    audience TEXT CHECK (audience IN ('confirmed', 'reserve', 'everyone')),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'sending', 'done', 'dropped')),
    progress_chat_id INTEGER,
    progress_message_id INTEGER,
    skipped INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
);

-- Who each broadcast goes to, fixed when Send is pressed. UNIQUE: nobody gets one twice.
-- A row is claimed ('sending') before its message goes and settled right after, so a
-- restart never sends it again.
CREATE TABLE broadcast_deliveries (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'delivered', 'failed', 'blocked')),
    settled_at TEXT,
    UNIQUE (broadcast_id, volunteer_id)
);
CREATE INDEX broadcast_deliveries_by_state ON broadcast_deliveries (broadcast_id, state, position);

-- The thread of a volunteer's question: each answer a coordinator sent through the bot.
CREATE TABLE question_replies (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    coordinator_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    sent_at TEXT NOT NULL
);

-- A change to a session's time or place, or its cancellation, and whether people were told.
-- From chat it is applied when a coordinator presses Send. From a re-imported panel file
-- the session is already changed, and Send only tells people.
CREATE TABLE session_changes (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('chat', 'file')),
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'dropped', 'replaced')),
    created_by INTEGER,
    created_at TEXT NOT NULL,
    announced_at TEXT,
    decided_by INTEGER,
    decided_at TEXT
);
CREATE INDEX session_changes_by_session ON session_changes (session_id, status);

-- News for coordinators (sign-ups, withdrawals, changed needs or availability), held
-- briefly so that many arriving together go as one digest.
CREATE TABLE coordinator_outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('signup', 'withdrawn', 'needs', 'availability')),
    panel_id INTEGER REFERENCES panels(id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX coordinator_outbox_by_sent ON coordinator_outbox (sent_at);

-- "Panel member A, B, ..." for the anonymised export: a letter, once given, stays.
CREATE TABLE anonymous_labels (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    panel_id INTEGER NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    UNIQUE (panel_id, position)
)
